namespace Loom.Agent;

/// <summary>Writes one line when the server becomes unreachable and one when it is back, not one per retry.</summary>
internal sealed class OutageLog(Action<string> log)
{
    private int down;

    /// <summary>A retried failure (the signature <see cref="ServerRetry"/> calls back with).</summary>
    public void Failed(Exception exception, int failures)
    {
        if (Interlocked.Exchange(ref down, 1) == 0) log($"server unreachable ({exception.Message}); retrying");
    }

    public void Recovered()
    {
        if (Interlocked.Exchange(ref down, 0) == 1) log("server reachable again");
    }
}
