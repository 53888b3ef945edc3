using System.Globalization;
using Loom.Contracts;
using MudBlazor;

namespace Loom.Studio.Components.Pages.Experiments;

/// <summary>How the experiment table writes a run's values.</summary>
public static class RunFormat
{
    /// <summary>From Running to the end, or to now for a run still going; null before it started.</summary>
    public static TimeSpan? Duration(RunDto run, DateTimeOffset now) =>
        run.StartTime is { } start ? (run.EndTime ?? (run.Status.IsTerminal() ? start : now)) - start : null;

    public static string Duration(TimeSpan? duration) => duration switch
    {
        null => "—",
        { TotalSeconds: < 60 } d => d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        { TotalHours: < 1 } d => $"{d.Minutes}m {d.Seconds:00}s",
        { TotalDays: < 1 } d => $"{(int)d.TotalHours}h {d.Minutes:00}m",
        var d => $"{(int)d.Value.TotalDays}d {d.Value.Hours:00}h",
    };

    /// <summary>Five significant digits: enough to rank runs, short enough for a column; the full value is the cell's title.</summary>
    public static string Metric(double value) => double.IsNaN(value) ? "NaN" : value.ToString("G5", CultureInfo.InvariantCulture);

    public static string Exact(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
