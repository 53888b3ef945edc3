using System.Globalization;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Studio.Components.Charts;
using Microsoft.AspNetCore.Components;

namespace Loom.Studio.Components.Pages.Compare;

/// <summary>
/// <c>/compare?runs=a,b,...</c>: 2 to 10 runs side by side: a chart per metric with a line per run, their parameters and
/// latest metrics with the differences marked, and a parallel-coordinates view of parameters against a chosen metric.
/// </summary>
public sealed partial class ComparePage
{
    /// <summary>Points per run on a compare chart: ten runs of these stay light in the browser.</summary>
    public const int ChartPoints = 500;

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
        if (RunIds == _shown && (_runs is not null || _problem is not null)) return;
        _shown = RunIds;
        (_runs, _problem, _charts) = (null, null, null);
        try
        {
            var ids = CompareSelection.Parse(RunIds);
            var workspace = await Session.WorkspaceAsync(CancellationToken.None);
            var runs = new List<RunDto>();
            foreach (var id in ids) runs.Add(await Runs.GetAsync(workspace.Id, id, CancellationToken.None));
            _runs = runs;
            _params = CompareRow.Build(runs.Select(r => r.Params).ToList(), v => v);
            _metrics = CompareRow.Build(runs.Select(r => r.Metrics).ToList(), v => v.ToString("G6", CultureInfo.InvariantCulture));
            _metricNames = runs.SelectMany(r => r.Metrics.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            ChooseMetric(_metricNames.FirstOrDefault());
            StateHasChanged();
            _charts = await ReadChartsAsync(workspace.Id, runs, _metricNames);
        }
        catch (LoomException e) { _problem = e; }
    }

    private void ChooseMetric(string? metric)
    {
        _parallelMetric = metric;
        _parallel = metric is null ? null : ParallelAxes.Build(_runs!, metric);
    }

    private async Task<List<(string, IReadOnlyList<MetricSeries>)>> ReadChartsAsync(long workspaceId, IReadOnlyList<RunDto> runs,
        IReadOnlyList<string> names)
    {
        var charts = new List<(string, IReadOnlyList<MetricSeries>)>();
        foreach (var name in names)
        {
            var series = new List<MetricSeries>();
            for (var i = 0; i < runs.Count; i++)
            {
                if (!runs[i].Metrics.ContainsKey(name)) continue;
                var read = await MetricSeriesReader.ReadAsync(Metrics, workspaceId, runs[i].Id, name, runs[i].DisplayName ?? runs[i].Id, ChartPoints,
                    CancellationToken.None);
                if (read is not null) series.Add(read with { Color = ChartColors.At(i) });
            }
            charts.Add((name, series));
        }
        return charts;
    }
}
