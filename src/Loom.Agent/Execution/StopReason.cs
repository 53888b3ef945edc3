namespace Loom.Agent.Execution;

/// <summary>Why a job's processes were stopped before they ended by themselves.</summary>
internal enum StopReason
{
    None,

    /// <summary>The server ordered the run canceled (a heartbeat's or report's answer).</summary>
    Canceled,

    /// <summary>The job ran past its maximum duration.</summary>
    MaxDuration,

    /// <summary>The agent itself is stopping (SIGTERM, Ctrl+C).</summary>
    AgentStopping,

    /// <summary>The server retired the agent or declared it lost: it takes no more reports.</summary>
    AgentLost,

    /// <summary>A process of a distributed job failed, so its peers are stopped rather than left waiting for it.</summary>
    ProcessFailed,
}
