using Loom.Contracts;

namespace Loom.Cli.Output;

/// <summary>How runs look in tables, shared by the run commands.</summary>
public static class RunViews
{
    private const int MetricColumns = 3;

    /// <summary>id, experiment, status, start, duration, and the metrics most of the runs have (up to three).</summary>
    public static TableView Table(IReadOnlyList<RunDto> runs, DateTimeOffset now)
    {
        var metrics = runs.SelectMany(r => r.Metrics.Keys)
            .GroupBy(name => name, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(MetricColumns).Select(g => g.Key).ToList();
        var columns = new List<string> { "Id", "Experiment", "Status", "Start", "Duration" };
        columns.AddRange(metrics);
        var rows = runs.Select(run =>
        {
            var row = new List<string> { run.Id, run.Experiment, run.Status.ToString(), Formats.Time(run.StartTime), Formats.Duration(Duration(run, now)) };
            row.AddRange(metrics.Select(m => run.Metrics.TryGetValue(m, out var value) ? Formats.Number(value) : ""));
            return (IReadOnlyList<string>)row;
        }).ToList();
        return new TableView(columns, rows);
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Details(RunDto run, DateTimeOffset now)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Id", run.Id),
            new("Experiment", run.Experiment),
            new("Workspace", run.Workspace),
            new("Status", run.Status.ToString()),
        };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) fields.Add(new(name, value));
        }
        Add("Display name", run.DisplayName);
        Add("Description", run.Description);
        Add("Parent", run.ParentRunId);
        Add("Created", Formats.Time(run.CreatedTime));
        Add("Started", Formats.Time(run.StartTime));
        Add("Ended", Formats.Time(run.EndTime));
        Add("Duration", Formats.Duration(Duration(run, now)));
        Add("Error", run.Error);
        return fields;
    }

    /// <summary>The name/value tables of a run (params, tags, properties, metrics), the empty ones left out.</summary>
    public static IEnumerable<TableView> Sections(RunDto run)
    {
        if (run.Params.Count > 0) yield return Pairs("Params", run.Params);
        if (run.Tags.Count > 0) yield return Pairs("Tags", run.Tags);
        if (run.Properties.Count > 0) yield return Pairs("Properties", run.Properties);
        if (run.Metrics.Count > 0)
            yield return Pairs("Metrics", run.Metrics.ToDictionary(m => m.Key, m => Formats.Number(m.Value)));
    }

    public static TableView Pairs(string title, IReadOnlyDictionary<string, string> values) =>
        new(["Name", "Value"], values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (IReadOnlyList<string>)[p.Key, p.Value]).ToList(), title);

    /// <summary>Running to the end, or to now while the run is live.</summary>
    public static TimeSpan? Duration(RunDto run, DateTimeOffset now) =>
        run.StartTime is { } start ? (run.EndTime ?? (run.Status.IsTerminal() ? start : now)) - start : null;
}
