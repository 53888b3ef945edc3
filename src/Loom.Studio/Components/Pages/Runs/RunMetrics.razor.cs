using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Tracking;
using Loom.Studio.Components.Charts;

namespace Loom.Studio.Components.Pages.Runs;

/// <summary>
/// The Metrics tab: a chart per scalar metric (downsampled by the store), a table per row, list or table metric, and the
/// images a run logged. On each poll only the metrics whose count changed are read again.
/// </summary>
public sealed partial class RunMetrics
{
    /// <summary>Images shown per image metric: the latest ones.</summary>
    public const int MaxImages = 24;

    private IReadOnlyDictionary<string, MetricSummary>? _latest;
    private readonly Dictionary<string, long> _readCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<MetricSeries>> _scalars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetricTable> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<(long Step, string Path)>> _images = new(StringComparer.Ordinal);
    private MetricAxis _axis = MetricAxis.Step;

    protected override async Task ReloadAsync(RunDto run, bool first, CancellationToken cancellationToken)
    {
        var latest = await Metrics.LatestAsync(Workspace.Id, run.Id, cancellationToken);
        foreach (var (name, summary) in latest)
        {
            if (_readCounts.TryGetValue(name, out var read) && read == summary.Count) continue;
            switch (summary.Kind)
            {
                case MetricKinds.Scalar:
                    if (await MetricSeriesReader.ReadAsync(Metrics, Workspace.Id, run.Id, name, name, MetricSeriesReader.ChartPoints, cancellationToken) is { } series)
                        _scalars[name] = [series];
                    break;
                case MetricKinds.Image:
                    _images[name] = await ReadImagesAsync(run.Id, name, cancellationToken);
                    break;
                default:
                    _tables[name] = MetricTable.From(summary.Kind, await ReadRowsAsync(run.Id, name, MetricTable.MaxRows, cancellationToken), summary.Count);
                    break;
            }
            _readCounts[name] = summary.Count;
        }
        _latest = latest;
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
