namespace Loom.Agent;

/// <summary>How a <see cref="AgentHost"/> connects and where it keeps its files.</summary>
public sealed class AgentOptions
{
    /// <summary>The server's root URL; also what user processes get as <c>LOOM_TRACKING_URI</c>.</summary>
    public required Uri ServerUrl { get; init; }

    /// <summary>The compute target to serve (needed to register; an agent started with <see cref="AgentId"/> already belongs to one).</summary>
    public string? Compute { get; init; }

    /// <summary>The workspace of the compute target.</summary>
    public string Workspace { get; init; } = "default";

    /// <summary>A user token with the Contributor role, used only to register (null when <see cref="AgentId"/> is given).</summary>
    public string? Token { get; init; }

    /// <summary>
    /// An identity given by whoever started the agent (the server's local provisioner sets <c>LOOM_AGENT_ID</c> and
    /// <c>LOOM_AGENT_TOKEN</c>); with it and <see cref="AgentToken"/> the agent does not register.
    /// </summary>
    public string? AgentId { get; init; }

    /// <summary>The token that goes with <see cref="AgentId"/>.</summary>
    public string? AgentToken { get; init; }

    /// <summary>How often a preset agent sends heartbeats (<c>LOOM_AGENT_HEARTBEAT_SECONDS</c>); a registering agent hears it from the server.</summary>
    public int? HeartbeatSeconds { get; init; }

    /// <summary>
    /// The agent's Python: runs the curated <c>system</c> environment as it is, and stands for the default
    /// interpreter <c>python3</c> when venvs are made (default <c>python3</c> on PATH).
    /// </summary>
    public string Python { get; init; } = "python3";

    /// <summary>Cached snapshots and venvs; agents on one machine may share it (default <c>~/.cache/loom/agent</c>).</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory();

    /// <summary>Where jobs run, a folder per run and node (default <c>&lt;cache&gt;/work</c>).</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>The host name reported to the server (default: the machine name).</summary>
    public string Host { get; init; } = Environment.MachineName;

    /// <summary>How long a claim waits for a job on the server, at most 30 seconds (default 30).</summary>
    public int ClaimWaitSeconds { get; init; } = 30;

    /// <summary>How long a stopped job's processes get between SIGTERM and SIGKILL (default 5 s).</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Once the agent is told to stop, how long it may spend stopping its job and reporting it (default 20 s).</summary>
    public TimeSpan ShutdownBudget { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Where the agent's progress lines go (one per job start and end, outages, warnings); stderr for <c>loom agent</c>.</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>The working-folder root in effect.</summary>
    public string ResolvedWorkDirectory => WorkDirectory ?? Path.Combine(CacheDirectory, "work");

    public static string DefaultCacheDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "loom", "agent");
}
