namespace Loom.Serving.Standalone;

/// <summary>What <c>loom serve</c> serves and how: one deployment of a server, read with a token, served on its own address.</summary>
public sealed class StandaloneOptions
{
    /// <summary>The Azure ML inference server's port, so probes and callers written for it need no change.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5001";

    /// <summary>How often the deployment is read again by default.</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromSeconds(15);

    /// <summary>How often the calls served are sent to the server's telemetry by default.</summary>
    public static readonly TimeSpan DefaultTelemetryInterval = TimeSpan.FromSeconds(2);

    /// <summary>The Loom server the deployment is read from.</summary>
    public required Uri Server { get; init; }

    /// <summary>
    /// A token that may read the deployment, its models, environment and source, and record the calls served in the endpoint's telemetry
    /// (Contributor: in key mode it also reads the endpoint's keys).
    /// </summary>
    public required string Token { get; init; }

    public required string Workspace { get; init; }

    public required string Endpoint { get; init; }

    public required string Deployment { get; init; }

    /// <summary>Where to listen (default <see cref="DefaultUrls"/>); port 0 picks a free port.</summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>The interpreter of the <c>system</c> environment, and the one venvs are made from (default <c>python3</c> on PATH).</summary>
    public string Python { get; init; } = "python3";

    /// <summary>Where venvs are built and kept (default <c>~/.cache/loom/agent</c>, shared with <c>loom agent</c>).</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>How often the deployment and the endpoint's keys are read again, to follow updates and key changes (default 15 s).</summary>
    public TimeSpan RefreshInterval { get; init; } = DefaultRefreshInterval;

    /// <summary>How often the calls served are sent to the server, to count in the endpoint's metrics (default 2 s; and once at stop).</summary>
    public TimeSpan TelemetryInterval { get; init; } = DefaultTelemetryInterval;

    /// <summary>How many calls may wait for the server (one out of reach) before the oldest are dropped (default 10,000).</summary>
    public int TelemetryBufferLimit { get; init; } = 10_000;

    /// <summary>Where traces and metrics are exported over OTLP (<c>--otlp-endpoint</c>, <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>); null exports nothing.</summary>
    public OtlpTarget? Otlp { get; init; }

    /// <summary>Where lines about what the host does go (the CLI writes them to standard error).</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>The venv cache in effect.</summary>
    public string ResolvedCacheDirectory => CacheDirectory
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "loom", "agent");
}
