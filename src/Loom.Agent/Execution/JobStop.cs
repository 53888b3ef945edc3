namespace Loom.Agent.Execution;

/// <summary>The first reason to stop a job, and a token that ends its work once there is one.</summary>
internal sealed class JobStop : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private int reason;

    public StopReason Reason => (StopReason)Volatile.Read(ref reason);

    public bool IsRequested => Reason != StopReason.None;

    public CancellationToken Token => source.Token;

    /// <summary>Records <paramref name="why"/> unless a reason came first; true when it was the first.</summary>
    public bool Request(StopReason why)
    {
        if (Interlocked.CompareExchange(ref reason, (int)why, (int)StopReason.None) != (int)StopReason.None) return false;
        source.Cancel();
        return true;
    }

    public void Dispose() => source.Dispose();
}
