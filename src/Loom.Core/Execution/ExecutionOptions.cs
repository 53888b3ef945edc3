namespace Loom.Core.Execution;

/// <summary>Timing of the agent protocol and how the local provisioner starts agents; bound from the <c>Execution</c> section.</summary>
public sealed class ExecutionOptions
{
    /// <summary>How often a busy agent sends a heartbeat (and so how fast it hears of a cancel). Default: 2 s.</summary>
    public int HeartbeatSeconds { get; set; } = 2;

    /// <summary>An agent silent for this long is lost and its run fails as <c>agent lost</c>. Default: 30 s.</summary>
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>How often leases are checked and the local provisioner looks at its queues. Default: 1 s.</summary>
    public double TickSeconds { get; set; } = 1;

    /// <summary>
    /// The command that starts <c>loom</c> for local agents (e.g. <c>["/usr/local/bin/loom"]</c> or
    /// <c>["dotnet", "/opt/loom/loom.dll"]</c>); empty means the program this server runs in.
    /// </summary>
    public List<string> AgentCommand { get; set; } = [];

    /// <summary>The interpreter local agents use for the <c>system</c> environment (their <c>--python</c>). Default: <c>python3</c>.</summary>
    public string AgentPython { get; set; } = "python3";

    /// <summary>Where local agents keep their caches and working folders; set by the server to a folder in its data folder.</summary>
    public string AgentDirectory { get; set; } = "";
}
