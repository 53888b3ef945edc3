using System.Collections.Concurrent;

namespace Loom.Core.Execution;

/// <summary>
/// Wakes claims waiting on a compute target's queue when a job lands on this server, and the provisioner when any
/// queue changes (waiters also poll, for jobs submitted through other replicas).
/// </summary>
public sealed class JobSignals
{
    private readonly ConcurrentDictionary<(long, string), TaskCompletionSource> _queues = new();
    private volatile TaskCompletionSource _any = New();

    public void Signal(long workspaceId, string compute)
    {
        if (_queues.TryRemove((workspaceId, compute), out var waiter)) waiter.TrySetResult();
        Interlocked.Exchange(ref _any, New()).TrySetResult();
    }

    /// <summary>Completes when a job is queued on the target here, or after <paramref name="timeout"/>.</summary>
    public Task WaitAsync(long workspaceId, string compute, TimeSpan timeout, CancellationToken cancellationToken) =>
        Bounded(_queues.GetOrAdd((workspaceId, compute), _ => New()).Task, timeout, cancellationToken);

    /// <summary>Completes when any queue changes here, or after <paramref name="timeout"/>.</summary>
    public Task WaitAnyAsync(TimeSpan timeout, CancellationToken cancellationToken) => Bounded(_any.Task, timeout, cancellationToken);

    private static async Task Bounded(Task task, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try { await task.WaitAsync(timeout, cancellationToken); }
        catch (TimeoutException) { }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
