using Loom.Client.Http;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>
/// A typed client of Loom's REST API. Calls are grouped by resource (<see cref="Runs"/>, <see cref="Metrics"/>...);
/// workspace-scoped calls take the workspace name first.
/// </summary>
public sealed class LoomClient : IDisposable
{
    private readonly HttpClient http;
    private readonly bool ownsHttp;

    /// <summary>Creates a client for the server at <paramref name="baseUrl"/> that authenticates with <paramref name="token"/>.</summary>
    /// <param name="baseUrl">The server's root, e.g. <c>http://127.0.0.1:8765</c>; a path prefix is kept.</param>
    /// <param name="token">A personal access token, a run token or an agent token.</param>
    /// <param name="http">A client to send with; when null the client makes its own, without a timeout,
    /// so long transfers and followed logs are bounded only by the cancellation tokens.</param>
    /// <param name="options">Retry settings; defaults when null.</param>
    public LoomClient(Uri baseUrl, string token, HttpClient? http = null, LoomClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        ownsHttp = http is null;
        this.http = http ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        var transport = new LoomHttp(root, token, this.http, options ?? new LoomClientOptions());
        Workspaces = new WorkspacesClient(transport);
        Tokens = new TokensClient(transport);
        Experiments = new ExperimentsClient(transport);
        Runs = new RunsClient(transport);
        Metrics = new MetricsClient(transport);
        Artifacts = new ArtifactsClient(transport);
        Logs = new LogsClient(transport);
        Snapshots = new SnapshotsClient(transport);
        Environments = new EnvironmentsClient(transport);
        Models = new ModelsClient(transport);
        Computes = new ComputeClient(transport);
        Endpoints = new EndpointsClient(transport, this.http, token);
        Agents = new AgentsClient(transport);
        Transport = transport;
    }

    /// <summary>The server's root URL.</summary>
    public Uri BaseUrl => Transport.BaseUrl;

    public WorkspacesClient Workspaces { get; }

    public TokensClient Tokens { get; }

    public ExperimentsClient Experiments { get; }

    public RunsClient Runs { get; }

    public MetricsClient Metrics { get; }

    public ArtifactsClient Artifacts { get; }

    public LogsClient Logs { get; }

    public SnapshotsClient Snapshots { get; }

    public EnvironmentsClient Environments { get; }

    public ModelsClient Models { get; }

    public ComputeClient Computes { get; }

    public EndpointsClient Endpoints { get; }

    public AgentsClient Agents { get; }

    private LoomHttp Transport { get; }

    /// <summary><c>GET /healthz</c>: whether the server is up (no token needed, but it is sent anyway).</summary>
    public Task<HealthDto> GetHealthAsync(CancellationToken cancellationToken = default) =>
        Transport.GetAsync<HealthDto>("healthz", cancellationToken);

    public void Dispose()
    {
        if (ownsHttp) http.Dispose();
    }
}
