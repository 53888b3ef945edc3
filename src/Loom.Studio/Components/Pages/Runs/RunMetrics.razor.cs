using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Tracking;
using Loom.Studio.Components.Charts;
using Loom.Studio.Components.Pages.Runs.Parts;

namespace Loom.Studio.Components.Pages.Runs;

/// <summary>
/// The Metrics tab: a chart per scalar metric (downsampled by the store), a table per row, list or table metric, and the
/// images a run logged. While the run is live a metric is read again only when its count changed, and at most every
/// <see cref="LiveRunTab.SlowRefresh"/>; the first <see cref="MaxCharts"/> charts are drawn until the user asks for all.
/// </summary>
public sealed partial class RunMetrics
{
    /// <summary>Images shown per image metric: the latest ones.</summary>
    public const int MaxImages = 24;

    /// <summary>Charts read and drawn until "Show all": a run may log hundreds of metrics.</summary>
    public const int MaxCharts = 24;

    // What the tab shows, replaced together at the end of a reload, so a render between its reads never sees a metric
    // in one and not in another.
    private IReadOnlyDictionary<string, MetricSummary>? _latest;
    private IReadOnlyDictionary<string, IReadOnlyList<MetricSeries>> _scalars = new Dictionary<string, IReadOnlyList<MetricSeries>>();
    private IReadOnlyDictionary<string, MetricTable> _tables = new Dictionary<string, MetricTable>();
    private IReadOnlyDictionary<string, IReadOnlyList<(long Step, string Path)>> _images = new Dictionary<string, IReadOnlyList<(long, string)>>();
    private IReadOnlyDictionary<string, long> _readCounts = new Dictionary<string, long>();
    private ReadSchedule? _schedule;
    private int _scalarCount;
    private bool _showAll;
    private MetricAxis _axis = MetricAxis.Step;

    private ReadSchedule Schedule => _schedule ??= new ReadSchedule(Time, SlowRefresh);

    protected override async Task ReloadAsync(RunDto run, bool first, CancellationToken cancellationToken)
    {
        var latest = await Metrics.LatestAsync(Workspace.Id, run.Id, cancellationToken);
        var charted = latest.Where(m => m.Value.Kind == MetricKinds.Scalar).Select(m => m.Key).Order(StringComparer.Ordinal)
            .Take(_showAll ? int.MaxValue : MaxCharts).ToHashSet(StringComparer.Ordinal);
        var scalars = new Dictionary<string, IReadOnlyList<MetricSeries>>(StringComparer.Ordinal);
        var tables = new Dictionary<string, MetricTable>(StringComparer.Ordinal);
        var images = new Dictionary<string, IReadOnlyList<(long, string)>>(StringComparer.Ordinal);
        var readCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, summary) in latest)
        {
            if (summary.Kind == MetricKinds.Scalar && !charted.Contains(name)) continue;
            if (_readCounts.TryGetValue(name, out var read) && (read == summary.Count || !Schedule.IsDue(run, name)))
            {
                if (_scalars.TryGetValue(name, out var shownSeries)) scalars[name] = shownSeries;
                if (_tables.TryGetValue(name, out var shownTable)) tables[name] = shownTable;
                if (_images.TryGetValue(name, out var shownImages)) images[name] = shownImages;
                readCounts[name] = read;
                continue;
            }
            switch (summary.Kind)
            {
                case MetricKinds.Scalar:
                    if (await MetricSeriesReader.ReadAsync(Metrics, Workspace.Id, run.Id, name, name, MetricSeriesReader.ChartPoints, cancellationToken) is { } series)
                        scalars[name] = [series];
                    break;
                case MetricKinds.Image:
                    images[name] = await ReadImagesAsync(run.Id, name, cancellationToken);
                    break;
                case MetricKinds.Table:
                    // A table metric shows its latest table: the last row, not the last of the first rows.
                    tables[name] = MetricTable.From(summary.Kind, await ReadLastRowAsync(run.Id, name, cancellationToken), summary.Count);
                    break;
                default:
                    tables[name] = MetricTable.From(summary.Kind, await ReadRowsAsync(run.Id, name, MetricTable.MaxRows, cancellationToken), summary.Count);
                    break;
            }
            readCounts[name] = summary.Count;
            Schedule.Read(name);
        }
        (_latest, _scalars, _tables, _images, _readCounts) = (latest, scalars, tables, images, readCounts);
        _scalarCount = latest.Count(m => m.Value.Kind == MetricKinds.Scalar);
    }

    private async Task ShowAllChartsAsync()
    {
        _showAll = true;
        await ReloadNowAsync();
    }

    private async Task<List<StoredRow>> ReadRowsAsync(string runId, string name, int limit, CancellationToken cancellationToken)
    {
        var metric = await Metrics.FindAsync(Workspace.Id, runId, name, cancellationToken);
        var rows = new List<StoredRow>();
        await foreach (var row in Metrics.ReadRowsAsync(metric, cancellationToken))
        {
            rows.Add(row);
            if (rows.Count == limit) break;
        }
        return rows;
    }

    private async Task<List<StoredRow>> ReadLastRowAsync(string runId, string name, CancellationToken cancellationToken)
    {
        var metric = await Metrics.FindAsync(Workspace.Id, runId, name, cancellationToken);
        StoredRow? last = null;
        await foreach (var row in Metrics.ReadRowsAsync(metric, cancellationToken)) last = row;
        return last is null ? [] : [last];
    }

    private async Task<IReadOnlyList<(long Step, string Path)>> ReadImagesAsync(string runId, string name, CancellationToken cancellationToken)
    {
        var metric = await Metrics.FindAsync(Workspace.Id, runId, name, cancellationToken);
        var latest = new Queue<(long, string)>();
        await foreach (var row in Metrics.ReadRowsAsync(metric, cancellationToken))
        {
            using var json = JsonDocument.Parse(row.Json);
            if (!json.RootElement.TryGetProperty("path", out var path) || path.GetString() is not { } artifact) continue;
            latest.Enqueue((row.Step, artifact));
            if (latest.Count > MaxImages) latest.Dequeue();
        }
        return [.. latest];
    }

    /// <summary>A stable DOM id per metric name (names may hold any character).</summary>
    public static string ChartIdOf(string metric) => "metric-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(metric)))[..16];

    private static string FormatValue(MetricSummary summary) => summary.Value.ValueKind == JsonValueKind.Number
        ? summary.Value.GetDouble().ToString("G6", CultureInfo.InvariantCulture)
        : MetricTable.Cell(summary.Value);
}
