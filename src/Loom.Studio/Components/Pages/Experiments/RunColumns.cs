using Loom.Contracts;
using Loom.Core.Tracking;

namespace Loom.Studio.Components.Pages.Experiments;

/// <summary>
/// The experiment table's columns: the fixed ones, then the chosen params and metrics. The params and metrics to
/// choose from are those seen in the rows read so far; by default the table shows the ones of its first page.
/// </summary>
public sealed class RunColumns
{
    /// <summary>How many params and how many metrics the table shows before the user picks: enough to compare, few enough to read.</summary>
    public const int DefaultPerKind = 8;

    public static readonly IReadOnlyList<RunColumn> Fixed =
        [RunColumn.Status, RunColumn.Run, RunColumn.Started, RunColumn.Duration, RunColumn.Compute, RunColumn.Tags];

    /// <summary>The fixed columns the user may hide (status and the run link always show).</summary>
    public static readonly IReadOnlyList<RunColumn> Optional = [RunColumn.Started, RunColumn.Duration, RunColumn.Compute, RunColumn.Tags];

    private readonly SortedSet<string> _params = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _metrics = new(StringComparer.Ordinal);
    private readonly HashSet<RunColumn> _shown = [.. Fixed];

    public IReadOnlyCollection<string> KnownParams => _params;
    public IReadOnlyCollection<string> KnownMetrics => _metrics;

    /// <summary>The columns shown, in table order: fixed, params by name, metrics by name.</summary>
    public IReadOnlyList<RunColumn> Visible =>
        [.. Fixed.Where(_shown.Contains),
         .. _params.Select(RunColumn.Param).Where(_shown.Contains),
         .. _metrics.Select(RunColumn.Metric).Where(_shown.Contains)];

    public int ParamCount => _params.Count(p => _shown.Contains(RunColumn.Param(p)));
    public int MetricCount => _metrics.Count(m => _shown.Contains(RunColumn.Metric(m)));

    /// <summary>
    /// The columns for a table whose first page is <paramref name="firstPage"/>: the params and metrics most runs of it
    /// have (at most <see cref="DefaultPerKind"/> of each), the column sorted by when it is a param or metric, and the
    /// compute and tags columns only when some run of the page has them.
    /// </summary>
    public static RunColumns ForFirstPage(IEnumerable<RunDto> firstPage, IReadOnlyList<SortKey> order)
    {
        var columns = new RunColumns();
        var runs = firstPage.ToList();
        columns.Observe(runs);
        foreach (var key in MostCommon(runs.SelectMany(r => r.Params.Keys))) columns._shown.Add(RunColumn.Param(key));
        foreach (var name in MostCommon(runs.SelectMany(r => r.Metrics.Keys))) columns._shown.Add(RunColumn.Metric(name));
        // Scripts logging from a laptop have no compute and often no tags: their columns would only hold dashes.
        if (runs.Count > 0 && !runs.Any(r => r.Properties.ContainsKey(RunColumn.ComputeProperty))) columns._shown.Remove(RunColumn.Compute);
        if (runs.Count > 0 && !runs.Any(r => r.Tags.Count > 0)) columns._shown.Remove(RunColumn.Tags);
        if (order.Count > 0)
        {
            var sorted = order[0].Field;
            if (sorted.Kind == FieldKind.Param) columns.Show(RunColumn.Param(sorted.Name));
            if (sorted.Kind == FieldKind.Metric) columns.Show(RunColumn.Metric(sorted.Name));
        }
        return columns;
    }

    /// <summary>Learns the params and metrics of rows read later, so the chooser offers them.</summary>
    public void Observe(IEnumerable<RunDto> runs)
    {
        foreach (var run in runs)
        {
            foreach (var key in run.Params.Keys) _params.Add(key);
            foreach (var name in run.Metrics.Keys) _metrics.Add(name);
        }
    }

    public bool IsShown(RunColumn column) => _shown.Contains(column);

    public void Show(RunColumn column)
    {
        if (column.Kind == RunColumnKind.Param) _params.Add(column.Key!);
        if (column.Kind == RunColumnKind.Metric) _metrics.Add(column.Key!);
        _shown.Add(column);
    }

    public void Toggle(RunColumn column)
    {
        if (column.Kind is RunColumnKind.Status or RunColumnKind.Run) return;
        if (!_shown.Remove(column)) Show(column);
    }

    private static IEnumerable<string> MostCommon(IEnumerable<string> keys) =>
        keys.CountBy(k => k).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(DefaultPerKind).Select(p => p.Key);
}
