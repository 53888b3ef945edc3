using Loom.Core.Serving;

namespace Loom.Serving.Workers;

/// <summary>
/// A request waiting for a worker, and its answer. A caller that gives up while it still waits gets it cancelled; once a
/// worker took it, it runs to its answer (the worker still reads the body, so the caller's buffer stays in use until then).
/// </summary>
internal sealed class ScoreRequest : TaskCompletionSource<ScoreResult>
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;
    private readonly CancellationTokenRegistration registration;
    private int state;

    public ScoreRequest(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Body = body;
        if (cancellationToken.CanBeCanceled)
            registration = cancellationToken.UnsafeRegister(static (self, token) => ((ScoreRequest)self!).Cancel(token), this);
    }

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>True when the request is the taker's to run; false when its caller gave up first.</summary>
    public bool TryTake()
    {
        var taken = Interlocked.CompareExchange(ref state, Taken, Queued) == Queued;
        registration.Unregister();
        return taken;
    }

    public void Complete(ScoreResult result) => TrySetResult(result);

    private void Cancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref state, Cancelled, Queued) == Queued) TrySetCanceled(token);
    }
}
