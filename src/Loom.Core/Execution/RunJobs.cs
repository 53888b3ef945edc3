using Loom.Core.Tracking;

namespace Loom.Core.Execution;

/// <summary>Hands the cancel of a submitted run to its job, and tells runs whose end their agents decide.</summary>
public sealed class RunJobs(IExecutionStore store, TimeProvider time) : IRunJobs
{
    public Task<bool> TryCancelAsync(long workspaceId, string runId, CancellationToken cancellationToken) =>
        store.CancelAsync(workspaceId, runId, time.GetUtcNow(), cancellationToken);

    public async Task<bool> IsLiveAsync(long workspaceId, string runId, CancellationToken cancellationToken) =>
        await store.GetJobAsync(workspaceId, runId, cancellationToken) is { State: not "ended" };
}
