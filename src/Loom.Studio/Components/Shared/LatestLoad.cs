namespace Loom.Studio.Components.Shared;

/// <summary>
/// The latest of a component's loads. Parameters can change again while a load still awaits (another run clicked, a new
/// filter typed): <see cref="Start"/> cancels the load before it, and a load keeps its results only while
/// <see cref="IsCurrent"/> says it is still the latest, so a slow answer for what was shown before never replaces a newer one.
/// </summary>
public sealed class LatestLoad : IDisposable
{
    private CancellationTokenSource? _current;
    private bool _disposed;

    /// <summary>The latest load's token (none before the first load).</summary>
    public CancellationToken Token => _current?.Token ?? CancellationToken.None;

    /// <summary>Starts a load, cancelling the one before it; its token is also its ticket for <see cref="IsCurrent"/>.</summary>
    public CancellationToken Start()
    {
        var next = new CancellationTokenSource();
        // Cancelled, not disposed: the load it belonged to may still be unwinding and reading its token.
        Interlocked.Exchange(ref _current, next)?.Cancel();
        if (_disposed) next.Cancel();
        return next.Token;
    }

    /// <summary>Whether the load holding <paramref name="load"/> is still the latest: no later one started and the component is still shown.</summary>
    public bool IsCurrent(CancellationToken load) => !load.IsCancellationRequested && load == Token;

    /// <summary>Cancels the latest load; loads started afterwards start cancelled.</summary>
    public void Dispose()
    {
        _disposed = true;
        _current?.Cancel();
    }
}
