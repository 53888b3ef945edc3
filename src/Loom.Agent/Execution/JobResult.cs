using Loom.Contracts;

namespace Loom.Agent.Execution;

/// <summary>How this node's part of a run ended: the final status reported for it.</summary>
internal sealed record JobResult(RunStatus Status, int? ExitCode = null, string? Error = null)
{
    public static JobResult Failed(string error, int? exitCode = null) => new(RunStatus.Failed, exitCode, error);
}
