namespace Loom.Studio.Components.Shared;

/// <summary>
/// The wait before the next poll of something live: the base interval while it changes, then doubling up to a ceiling
/// once it has stayed the same for a few polls. A run whose process died without saying so (a zombie) is then read every
/// few seconds rather than every second and a half, for as long as its page stays open; any change resets the wait.
/// </summary>
public sealed class PollBackoff
{
    private readonly TimeSpan _interval, _max;
    private readonly int _patience;
    private int _unchanged;

    /// <param name="interval">The wait while what is polled changes.</param>
    /// <param name="max">The longest wait.</param>
    /// <param name="patience">Polls in a row without a change that keep the base interval.</param>
    public PollBackoff(TimeSpan interval, TimeSpan max, int patience = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, interval);
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        (_interval, _max, _patience) = (interval, max, patience);
    }

    /// <summary>The wait after a poll that <paramref name="changed"/> what it read (a failed poll changed nothing).</summary>
    public TimeSpan Next(bool changed)
    {
        _unchanged = changed ? 0 : _unchanged + 1;
        var doublings = Math.Min(_unchanged - _patience, 30);
        if (doublings <= 0) return _interval;
        var wait = _interval * Math.Pow(2, doublings);
        return wait < _max ? wait : _max;
    }
}
