using Loom.Contracts;

namespace Loom.Agent.Execution;

/// <summary>How this node's part of a run ended: the final status reported for it.</summary>
internal sealed record JobResult(RunStatus Status, int? ExitCode = null, string? Error = null)
{
    // The server takes errors of up to 10,000 characters; the end of pip's output is what explains a failure.
    private const int MaxError = 4000;

    public static JobResult Failed(string error, int? exitCode = null) =>
        new(RunStatus.Failed, exitCode, error.Length <= MaxError ? error : "…" + error[^MaxError..]);
}
