namespace Loom.Studio.Components.Shared;

/// <summary>
/// Calls a live page's refresh every few seconds until disposed, one call at a time: a slow refresh delays the next tick instead of
/// piling calls up. The page makes its own calls safe (its renderer's thread, its errors); this only keeps time.
/// </summary>
public sealed class Poller : IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private Poller(TimeSpan every, TimeProvider time, Func<CancellationToken, Task> refresh) => _ = LoopAsync(every, time, refresh, _stop.Token);

    /// <summary>Starts calling <paramref name="refresh"/> every <paramref name="every"/>, first after one interval.</summary>
    public static Poller Start(TimeSpan every, TimeProvider time, Func<CancellationToken, Task> refresh) => new(every, time, refresh);

    private static async Task LoopAsync(TimeSpan every, TimeProvider time, Func<CancellationToken, Task> refresh, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop)) await refresh(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (stop.IsCancellationRequested)
        {
            // The circuit went away while a refresh was on its way to its renderer.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
