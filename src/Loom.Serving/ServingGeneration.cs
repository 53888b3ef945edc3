using Loom.Core.Serving;

namespace Loom.Serving;

/// <summary>Whether a generation took a request.</summary>
internal enum Admission
{
    Admitted,
    Overloaded,
    Draining,
}

/// <summary>
/// One generation of a deployment (a worker pool or an in-process ONNX session): it admits requests up to its limit
/// and, once replaced or stopped, drains what it admitted before it stops. Admission and draining meet on one counter:
/// a request counts itself in, then looks at the draining flag; the drainer sets the flag, then waits for the count to
/// reach zero. Either the request sees the flag (and goes to the next generation) or the drainer sees the request.
/// </summary>
internal abstract class ServingGeneration(int generation, string folder) : IAsyncDisposable
{
    private readonly TaskCompletionSource drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int outstanding;
    private int draining;
    private int stopped;

    public int Generation { get; } = generation;

    /// <summary>The generation's prepared folder (removed once it has stopped).</summary>
    public string Folder { get; } = folder;

    /// <summary>Requests admitted and not yet answered (queued and in flight).</summary>
    public int Outstanding => Volatile.Read(ref outstanding);

    public bool IsDraining => Volatile.Read(ref draining) != 0;

    /// <summary>How many requests may be queued and in flight at once.</summary>
    protected abstract int Limit { get; }

    /// <summary>Counts a request in, or says why not. After <see cref="Admission.Admitted"/>, call <see cref="ScoreAdmittedAsync"/>.</summary>
    public Admission TryAdmit()
    {
        var now = Interlocked.Increment(ref outstanding);
        if (Volatile.Read(ref draining) != 0)
        {
            Release();
            return Admission.Draining;
        }
        if (now > Limit)
        {
            Release();
            return Admission.Overloaded;
        }
        return Admission.Admitted;
    }

    /// <summary>Scores an admitted request; <paramref name="body"/> must stay valid until the task completes.</summary>
    public abstract Task<ScoreResult> ScoreAdmittedAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken);

    public abstract DeploymentRuntime Runtime();

    /// <summary>Takes no more requests, waits (at most <paramref name="bound"/>) until those admitted are answered, then stops.</summary>
    public async Task DrainAsync(TimeSpan bound)
    {
        Interlocked.Exchange(ref draining, 1);
        if (Volatile.Read(ref outstanding) == 0) drained.TrySetResult();
        try
        {
            await drained.Task.WaitAsync(bound);
        }
        catch (TimeoutException)
        {
            // Stopping answers whatever is left.
        }
        await DisposeAsync();
    }

    /// <summary>Stops at once: in-flight requests are answered by the stop itself.</summary>
    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref draining, 1);
        if (Interlocked.Exchange(ref stopped, 1) == 1) return;
        await StopAsync();
    }

    protected abstract ValueTask StopAsync();

    /// <summary>Counts an admitted request out once it is answered.</summary>
    protected void Release()
    {
        if (Interlocked.Decrement(ref outstanding) == 0 && Volatile.Read(ref draining) != 0) drained.TrySetResult();
    }
}
