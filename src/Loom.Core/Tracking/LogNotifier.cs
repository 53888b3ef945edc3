using System.Collections.Concurrent;

namespace Loom.Core.Tracking;

/// <summary>Wakes followers of a run's logs when a chunk lands on this server (followers also poll, for other replicas).</summary>
public sealed class LogNotifier
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiters = new();

    public void Signal(long runSeq)
    {
        if (_waiters.TryRemove(runSeq, out var waiter)) waiter.TrySetResult();
    }

    /// <summary>Completes when the run's logs change here, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(long runSeq, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = _waiters.GetOrAdd(runSeq, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try { await waiter.Task.WaitAsync(timeout, cancellationToken); }
        catch (TimeoutException) { }
    }
}
