using System.Globalization;
using Loom.Contracts;

namespace Loom.Studio.Components.Pages.Runs;

/// <summary>A run's status transitions as the overview shows them, and how long it ran.</summary>
public static class RunTimeline
{
    /// <summary>The transitions oldest first; transitions stored with the same time keep their stored order.</summary>
    public static IReadOnlyList<StatusChange> Ordered(RunDto run) =>
        run.StatusHistory.Select((change, index) => (change, index))
            .OrderBy(c => c.change.Time).ThenBy(c => c.index)
            .Select(c => c.change).ToList();

    /// <summary>Duration is Running to the end (Loom's and Azure ML's rule); a live run's duration grows until now.</summary>
    public static TimeSpan? Duration(RunDto run, DateTimeOffset now) => run.StartTime is { } start
        ? (run.EndTime ?? (run.Status.IsTerminal() ? start : now)) - start
        : null;

    /// <summary>Time since the previous transition, shown beside each step of the timeline.</summary>
    public static TimeSpan? Since(IReadOnlyList<StatusChange> ordered, int index) =>
        index == 0 ? null : ordered[index].Time - ordered[index - 1].Time;

    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) duration = TimeSpan.Zero;
        if (duration.TotalSeconds < 1) return $"{duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";
        if (duration.TotalMinutes < 1) return $"{duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";
        if (duration.TotalHours < 1) return $"{duration.Minutes}m {duration.Seconds:00}s";
        if (duration.TotalDays < 1) return $"{duration.Hours}h {duration.Minutes:00}m {duration.Seconds:00}s";
        return $"{(int)duration.TotalDays}d {duration.Hours}h {duration.Minutes:00}m";
    }
}
