using System.Collections.Concurrent;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Tracking;

namespace Loom.Tests.Studio;

/// <summary>
/// The server's run store with a hook before each read of one run: a test makes a read slow (to overlap loads) or fail
/// with a fault that is not Loom's own (a database or IO error), and sees which runs were read.
/// </summary>
public sealed class HookedRunStore(IRunStore inner) : IRunStore
{
    /// <summary>
    /// Runs before each <see cref="GetAsync"/> (with the run's id), <see cref="GetManyAsync"/> (with <c>many:id,id,...</c>) and
    /// <see cref="ListAsync"/> (with <c>list:experiment</c>).
    /// </summary>
    public Func<string, CancellationToken, Task>? BeforeRead { get; set; }

    public ConcurrentQueue<string> Reads { get; } = new();

    /// <summary>The reads of runs below a run: <c>tree:id</c> or <c>children:id</c>.</summary>
    public ConcurrentQueue<string> TreeReads { get; } = new();

    private async Task HookAsync(string runId, CancellationToken cancellationToken)
    {
        Reads.Enqueue(runId);
        if (BeforeRead is { } hook) await hook(runId, cancellationToken);
    }

    public async Task<RunDto?> GetAsync(long workspaceId, string runId, CancellationToken cancellationToken)
    {
        await HookAsync(runId, cancellationToken);
        return await inner.GetAsync(workspaceId, runId, cancellationToken);
    }

    public async Task<IReadOnlyList<RunDto>> GetManyAsync(long workspaceId, IReadOnlyCollection<string> runIds, CancellationToken cancellationToken)
    {
        await HookAsync("many:" + string.Join(',', runIds), cancellationToken);
        return await inner.GetManyAsync(workspaceId, runIds, cancellationToken);
    }

    public Task<IReadOnlyList<ExperimentDto>> ListExperimentsAsync(long workspaceId, CancellationToken cancellationToken) =>
        inner.ListExperimentsAsync(workspaceId, cancellationToken);

    public Task<ExperimentDto?> FindExperimentAsync(long workspaceId, string name, CancellationToken cancellationToken) =>
        inner.FindExperimentAsync(workspaceId, name, cancellationToken);

    public Task<string> CreateAsync(long workspaceId, NewRun run, IdempotentRequest? idempotency, CancellationToken cancellationToken) =>
        inner.CreateAsync(workspaceId, run, idempotency, cancellationToken);

    public Task<RunRef?> FindAsync(long workspaceId, string runId, CancellationToken cancellationToken) =>
        inner.FindAsync(workspaceId, runId, cancellationToken);

    public Task<RunDto> UpdateAsync(long workspaceId, string runId, UpdateRunRequest update, DateTimeOffset time, CancellationToken cancellationToken) =>
        inner.UpdateAsync(workspaceId, runId, update, time, cancellationToken);

    public async Task<(IReadOnlyList<RunDto> Runs, PageCursor? Next)> ListAsync(long workspaceId, RunQuery query, CancellationToken cancellationToken)
    {
        await HookAsync($"list:{query.Experiment}", cancellationToken);
        return await inner.ListAsync(workspaceId, query, cancellationToken);
    }

    public Task<long> CountAsync(long workspaceId, RunQuery query, CancellationToken cancellationToken) =>
        inner.CountAsync(workspaceId, query, cancellationToken);

    public Task<PageCursor?> SkipAsync(long workspaceId, RunQuery query, int count, CancellationToken cancellationToken) =>
        inner.SkipAsync(workspaceId, query, count, cancellationToken);

    public Task<IReadOnlyList<RunDto>> ListChildrenAsync(long workspaceId, string runId, CancellationToken cancellationToken)
    {
        TreeReads.Enqueue($"children:{runId}");
        return inner.ListChildrenAsync(workspaceId, runId, cancellationToken);
    }

    public Task<RunTree?> ListTreeAsync(long workspaceId, string runId, int max, CancellationToken cancellationToken)
    {
        TreeReads.Enqueue($"tree:{runId}");
        return inner.ListTreeAsync(workspaceId, runId, max, cancellationToken);
    }
}
