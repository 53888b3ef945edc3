using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Tracking;

public sealed class MetricService(IMetricStore store, RunService runs, TimeProvider time)
{
    public const int MaxBatch = 10_000;
    public const int MaxRowJsonLength = 1_000_000;

    public async Task<MetricBatchResult> AppendAsync(long workspaceId, string runId, MetricBatch batch, IdempotentRequest? idempotency, CancellationToken cancellationToken)
    {
        var points = batch.Points ?? [];
        var rows = batch.Rows ?? [];
        if (points.Count + rows.Count > MaxBatch)
            throw new LoomException(ErrorCodes.BatchTooLarge, $"A batch holds at most {MaxBatch:N0} points and rows; this one has {points.Count + rows.Count:N0}.");
        var run = await runs.FindAsync(workspaceId, runId, cancellationToken);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var scalars = GroupScalars(points, nowMs);
        var rowSeries = GroupRows(rows, nowMs);
        foreach (var series in rowSeries)
            if (scalars.Any(s => s.Name == series.Name))
                throw new LoomException(ErrorCodes.InvalidRequest, $"Metric '{series.Name}' is sent both as points and as {series.Kind} rows.");
        return await store.AppendAsync(workspaceId, run.Seq, scalars, rowSeries, idempotency, nowMs, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, MetricSummary>> LatestAsync(long workspaceId, string runId, CancellationToken cancellationToken)
    {
        var run = await runs.FindAsync(workspaceId, runId, cancellationToken);
        return await store.LatestAsync(run.Seq, cancellationToken);
    }

    public async Task<MetricInfo> FindAsync(long workspaceId, string runId, string name, CancellationToken cancellationToken)
    {
        var run = await runs.FindAsync(workspaceId, runId, cancellationToken);
        return await store.FindAsync(run.Seq, name, cancellationToken)
            ?? throw new LoomException(ErrorCodes.MetricNotFound, $"Run '{runId}' has no metric '{name}'.");
    }

    /// <summary>Scalar points of a metric, all of them or downsampled to at most <paramref name="maxPoints"/>.</summary>
    public async IAsyncEnumerable<StoredPoint> ReadPointsAsync(MetricInfo metric, int? maxPoints,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (maxPoints is null || metric.Count <= maxPoints)
        {
            // Decode is a zero-copy cast, so decoding per point costs what indexing a span kept per block would (an async
            // iterator cannot keep a span across a yield); copying each block to an array instead measured no faster.
            await foreach (var block in store.ReadBlocksAsync(metric.Id, withData: true, cancellationToken))
                for (var i = 0; i < block.Summary.Count; i++)
                    yield return MetricBlocks.Decode(block.Data!)[i];
            yield break;
        }
        var sampler = new Downsampler(Downsampler.BucketSizeFor(metric.Count, maxPoints.Value));
        // Summaries suffice when every block fits in a bucket; otherwise read the points too.
        var withData = !sampler.CanMergeWhole(MetricBlocks.Capacity);
        await foreach (var block in store.ReadBlocksAsync(metric.Id, withData, cancellationToken))
        {
            if (sampler.CanMergeWhole(block.Summary.Count)) sampler.AddSummary(block.Summary);
            else sampler.AddPoints(MetricBlocks.Decode(block.Data!));
        }
        foreach (var point in sampler.Finish()) yield return point;
    }

    public IAsyncEnumerable<StoredRow> ReadRowsAsync(MetricInfo metric, CancellationToken cancellationToken) =>
        store.ReadRowsAsync(metric.Id, cancellationToken);

    public static int? CheckMaxPoints(int? maxPoints) => maxPoints is null or (>= 2 and <= 100_000)
        ? maxPoints
        : throw new LoomException(ErrorCodes.InvalidRequest, "maxPoints must be between 2 and 100,000.");

    private static List<ScalarSeries> GroupScalars(IReadOnlyList<MetricPoint> points, long nowMs)
    {
        var byName = new Dictionary<string, ScalarSeries>(StringComparer.Ordinal);
        var ordered = new List<ScalarSeries>();
        foreach (var point in points)
        {
            if (point is null) throw new LoomException(ErrorCodes.InvalidRequest, "A metric point is null.");
            if (!byName.TryGetValue(point.Name ?? "", out var series))
            {
                series = new ScalarSeries(Validate.Key(point.Name, "Metric"));
                byName.Add(series.Name, series);
                ordered.Add(series);
            }
            series.Steps.Add(CheckStep(point.Step, point.Name!));
            series.Values.Add(point.Value);
            series.TimesMs.Add(point.Timestamp?.ToUnixTimeMilliseconds() ?? nowMs);
        }
        return ordered;
    }

    private static List<RowSeries> GroupRows(IReadOnlyList<MetricRow> rows, long nowMs)
    {
        var byName = new Dictionary<string, RowSeries>(StringComparer.Ordinal);
        var ordered = new List<RowSeries>();
        foreach (var row in rows)
        {
            if (row is null) throw new LoomException(ErrorCodes.InvalidRequest, "A metric row is null.");
            Validate.Key(row.Name, "Metric");
            CheckRowValue(row);
            if (!byName.TryGetValue(row.Name, out var series))
            {
                series = new RowSeries(row.Name, row.Kind);
                byName.Add(row.Name, series);
                ordered.Add(series);
            }
            else if (series.Kind != row.Kind)
                throw new LoomException(ErrorCodes.InvalidRequest, $"Metric '{row.Name}' is sent as both {series.Kind} and {row.Kind}.");
            var json = row.Value.GetRawText();
            if (json.Length > MaxRowJsonLength)
                throw new LoomException(ErrorCodes.PayloadTooLarge, $"Metric '{row.Name}' has a value over {MaxRowJsonLength:N0} characters.");
            series.Values.Add((CheckStep(row.Step, row.Name), json, row.Timestamp?.ToUnixTimeMilliseconds() ?? nowMs));
        }
        return ordered;
    }

    private static void CheckRowValue(MetricRow row)
    {
        var expected = row.Kind switch
        {
            MetricKinds.List => JsonValueKind.Array,
            MetricKinds.Row or MetricKinds.Table or MetricKinds.Image => JsonValueKind.Object,
            _ => throw new LoomException(ErrorCodes.InvalidRequest, $"Metric '{row.Name}' has kind '{row.Kind}'; rows are list, row, table or image."),
        };
        if (row.Value.ValueKind != expected)
            throw new LoomException(ErrorCodes.InvalidRequest, $"A {row.Kind} metric's value must be a JSON {(expected == JsonValueKind.Array ? "array" : "object")} ('{row.Name}').");
        if (row.Kind == MetricKinds.Image)
        {
            if (!row.Value.TryGetProperty("path", out var path) || path.ValueKind != JsonValueKind.String)
                throw new LoomException(ErrorCodes.InvalidRequest, $"Image metric '{row.Name}' needs a value {{\"path\": \"<artifact path>\"}}.");
            Validate.RelativePath(path.GetString());
        }
        if (row.Kind == MetricKinds.Table)
            foreach (var column in row.Value.EnumerateObject())
                if (column.Value.ValueKind != JsonValueKind.Array)
                    throw new LoomException(ErrorCodes.InvalidRequest, $"Table metric '{row.Name}': column '{column.Name}' must be an array.");
    }

    private static long? CheckStep(long? step, string name) => step is null or >= 0
        ? step
        : throw new LoomException(ErrorCodes.InvalidRequest, $"Metric '{name}' has a negative step.");
}
