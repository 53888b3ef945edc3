using Loom.Agent.Environments;
using Loom.Agent.Execution;
using Loom.Agent.Snapshots;
using Loom.Client;

namespace Loom.Agent;

/// <summary>What every job of a registered agent shares: its identity, its clients and its caches.</summary>
internal sealed class AgentSession(AgentOptions options, string agentId, TimeSpan heartbeatInterval, HttpClient http, LoomClient agent)
{
    /// <summary>Agent calls are retried by <see cref="ServerRetry"/> (without end, unlike the client's few attempts).</summary>
    public static readonly LoomClientOptions ClientOptions = new() { MaxAttempts = 1 };

    public AgentOptions Options { get; } = options;

    public string AgentId { get; } = agentId;

    public TimeSpan HeartbeatInterval { get; } = heartbeatInterval;

    /// <summary>The client with the agent token.</summary>
    public LoomClient Agent { get; } = agent;

    public SnapshotCache Snapshots { get; } = new(options.CacheDirectory, agent.Snapshots);

    public EnvironmentBuilder Environments { get; } = new(options.CacheDirectory, options.Python);

    /// <summary>The folder holding the bundled <c>loom</c> and <c>azureml</c> packages (null when the build lacks them).</summary>
    public string? BundledPython { get; } = FindBundledPython();

    public bool MpirunAvailable { get; } = Executables.Find("mpirun") is not null;

    /// <summary>A client with a job's run token, over the agent's connections.</summary>
    public LoomClient ForRun(string runToken) => new(Options.ServerUrl, runToken, http, ClientOptions);

    public void Log(string line) => Options.Log(line);

    private static string? FindBundledPython()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "python");
        return Directory.Exists(Path.Combine(folder, "loom")) ? folder : null;
    }
}
