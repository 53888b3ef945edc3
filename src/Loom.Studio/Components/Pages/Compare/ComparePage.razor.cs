using System.Globalization;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Tracking;
using Loom.Studio.Components.Charts;
using Loom.Studio.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace Loom.Studio.Components.Pages.Compare;

/// <summary>
/// <c>/compare?runs=a,b,...</c>: 2 to 10 runs side by side: a chart per metric with a line per run, their parameters and
/// latest metrics with the differences marked, and a parallel-coordinates view of parameters against a chosen metric.
/// </summary>
public sealed partial class ComparePage : IDisposable
{
    /// <summary>Points per run on a compare chart: ten runs of these stay light in the browser.</summary>
    public const int ChartPoints = 500;

    /// <summary>Charts drawn: the first metrics by name; the tables below list every metric.</summary>
    public const int MaxCharts = 24;

    private const int ParallelReads = 4;

    private readonly LatestLoad _load = new();

    private IReadOnlyList<RunDto>? _runs;
    private LoomException? _problem;
    private List<(string Name, IReadOnlyList<MetricSeries> Series)>? _charts;
    private IReadOnlyList<CompareRow>? _params, _metrics;
    private IReadOnlyList<string> _metricNames = [];
    private string? _parallelMetric;
    private ParallelAxes? _parallel;
    private MetricAxis _axis = MetricAxis.Step;
    private bool _onlyDifferences;
    private string? _shown;

    [SupplyParameterFromQuery(Name = "runs")] public string? RunIds { get; set; }

    private string ParallelCaption
    {
        get
        {
            var parts = new List<string> { "Colour follows the metric." };
            if (_parallel!.ConstantParams > 0)
                parts.Add($"{_parallel.ConstantParams} parameter{(_parallel.ConstantParams == 1 ? " is" : "s are")} the same for every run and left out.");
            if (_parallel.RunsWithoutMetric.Count > 0) parts.Add($"Without this metric: {string.Join(", ", _parallel.RunsWithoutMetric)}.");
            return string.Join(" ", parts);
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        if (RunIds == _shown) return;
        _shown = RunIds;
        // Another selection cancels this one's reads: a slow answer for the runs left behind never replaces these.
        var load = _load.Start();
        (_runs, _problem, _charts) = (null, null, null);
        try
        {
            var ids = CompareSelection.Parse(RunIds);
            var workspace = await Session.WorkspaceAsync(load);
            var found = (await Runs.GetManyAsync(workspace.Id, ids, load)).ToDictionary(r => r.Id, StringComparer.Ordinal);
            var runs = ids.Select(id => found.GetValueOrDefault(id) ?? throw RunService.RunNotFound(id)).ToList();
            if (!_load.IsCurrent(load)) return;
            _runs = runs;
            _params = CompareRow.Build(runs.Select(r => r.Params).ToList(), v => v);
            _metrics = CompareRow.Build(runs.Select(r => r.Metrics).ToList(), v => v.ToString("G6", CultureInfo.InvariantCulture));
            _metricNames = runs.SelectMany(r => r.Metrics.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            ChooseMetric(_metricNames.FirstOrDefault());
            StateHasChanged();
            var charts = await ReadChartsAsync(workspace.Id, runs, _metricNames.Take(MaxCharts).ToList(), load);
            if (_load.IsCurrent(load)) _charts = charts;
        }
        catch (Exception) when (!_load.IsCurrent(load)) { }
        catch (LoomException e) { _problem = e; }
    }

    private void ChooseMetric(string? metric)
    {
        _parallelMetric = metric;
        _parallel = metric is null ? null : ParallelAxes.Build(_runs!, metric);
    }

    /// <summary>Each run's line of each chart, read a few at a time (each read is a query or two; ten runs by 24 metrics are many).</summary>
    private async Task<List<(string, IReadOnlyList<MetricSeries>)>> ReadChartsAsync(long workspaceId, IReadOnlyList<RunDto> runs,
        IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var lines = names.SelectMany(name => runs.Select((run, i) => (Name: name, Run: run, Index: i)).Where(l => l.Run.Metrics.ContainsKey(name))).ToList();
        var series = new MetricSeries?[lines.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, lines.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken }, async (k, token) =>
            {
                var (name, run, i) = lines[k];
                var read = await MetricSeriesReader.ReadAsync(Metrics, workspaceId, run.Id, name, run.DisplayName ?? run.Id, ChartPoints, token);
                series[k] = read is null ? null : read with { Color = ChartColors.At(i) };
            });
        return names.Select(name => (name, (IReadOnlyList<MetricSeries>)lines.Select((l, k) => (l.Name, Series: series[k]))
            .Where(l => l.Name == name && l.Series is not null).Select(l => l.Series!).ToList())).ToList();
    }

    public void Dispose() => _load.Dispose();
}
