using Loom.Contracts;
using Loom.Studio.Components.Shared;

namespace Loom.Studio.Components.Pages.Runs.Parts;

/// <summary>
/// When a costly read of a live run's tab is due again. The page hands its tabs a fresh run on every poll (every second
/// and a half while the run changes); listing a tree of runs, every output file or a long metric that often costs more
/// than it shows. A read for a run that has ended is always due: its last state must show.
/// </summary>
public sealed class ReadSchedule(TimeProvider time, TimeSpan interval)
{
    private readonly Dictionary<string, long> _lastRead = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="what"/> (one of the tab's reads) should be read again for <paramref name="run"/>.</summary>
    public bool IsDue(RunDto run, string what = "") =>
        !RunStatusStyle.IsLive(run.Status) || !_lastRead.TryGetValue(what, out var last) || time.GetElapsedTime(last) >= interval;

    /// <summary>Notes that <paramref name="what"/> was read now.</summary>
    public void Read(string what = "") => _lastRead[what] = time.GetTimestamp();
}
