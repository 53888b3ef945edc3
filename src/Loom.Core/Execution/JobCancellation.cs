using Loom.Core.Tracking;

namespace Loom.Core.Execution;

/// <summary>Hands the cancel of a submitted run to its job.</summary>
public sealed class JobCancellation(IExecutionStore store, TimeProvider time) : IRunCancellation
{
    public Task<bool> TryCancelAsync(long workspaceId, string runId, CancellationToken cancellationToken) =>
        store.CancelAsync(workspaceId, runId, time.GetUtcNow(), cancellationToken);
}
