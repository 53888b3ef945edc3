using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Tracking;

namespace Loom.Store;

/// <summary>
/// Metrics in blocks: scalar points are appended into blocks of up to <see cref="MetricBlocks.Capacity"/>
/// points (small batches are merged later, see AppendBlocksAsync), each with its summary; the metric row keeps the count
/// and the latest value that run searches filter and sort on.
/// </summary>
public sealed class SqlMetricStore(LoomDatabase db) : IMetricStore
{
    private const string MetricColumns = "id, name, kind, count, last_step, last_ms, last_json, block_count, partial_tail";

    /// <summary>How many partial blocks a metric may end in before they are merged.</summary>
    public const int CompactAfter = 16;

    public Task<MetricBatchResult> AppendAsync(long workspaceId, long runSeq, IReadOnlyList<ScalarSeries> scalars, IReadOnlyList<RowSeries> rows,
        IdempotentRequest? idempotency, long nowMs, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            if (await IdempotencyRecords.ClaimAsync(c, t, workspaceId, idempotency, nowMs, cancellationToken) is { } earlier)
                return JsonSerializer.Deserialize(earlier, LoomJsonContext.Default.MetricBatchResult)!;
            int points = 0, rowCount = 0;
            var blocks = new List<BlockRow>();
            // Metric rows are locked in name order, so two batches naming the same metrics cannot deadlock.
            foreach (var series in scalars.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                var metric = await GetOrCreateAsync(c, t, runSeq, series.Name, MetricKinds.Scalar, cancellationToken);
                var stored = Resolve(series, metric.Count);
                await AppendBlocksAsync(c, t, metric, stored, blocks, cancellationToken);
                var latest = LatestOf(stored);
                await UpdateMetricAsync(c, t, metric, stored.Length, latest.Step, latest.TimeMs, latest.Value, RunRows.ScalarJson(latest.Value), cancellationToken);
                points += stored.Length;
            }
            await db.Bulk.InsertBlocksAsync(c, t, blocks, cancellationToken);
            var rowValues = new List<RowValueRow>();
            foreach (var series in rows.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                var metric = await GetOrCreateAsync(c, t, runSeq, series.Name, series.Kind, cancellationToken);
                RowValueRow? latest = null;
                for (var i = 0; i < series.Values.Count; i++)
                {
                    var (step, json, timeMs) = series.Values[i];
                    var row = new RowValueRow(metric.Id, metric.Count + i, step ?? metric.Count + i, timeMs, json);
                    rowValues.Add(row);
                    if (latest is null || row.Step >= latest.Step) latest = row;
                }
                await UpdateMetricAsync(c, t, metric, series.Values.Count, latest!.Step, latest.TimeMs, null, latest.Value, cancellationToken);
                rowCount += series.Values.Count;
            }
            await db.Bulk.InsertRowValuesAsync(c, t, rowValues, cancellationToken);
            var result = new MetricBatchResult(points, rowCount);
            await IdempotencyRecords.SaveAsync(c, t, workspaceId, idempotency,
                JsonSerializer.Serialize(result, LoomJsonContext.Default.MetricBatchResult), cancellationToken);
            return result;
        }, cancellationToken);

    public async Task<IReadOnlyDictionary<string, MetricSummary>> LatestAsync(long runSeq, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<MetricRowData>(null, $"SELECT {MetricColumns} FROM metrics WHERE run_seq = @runSeq ORDER BY name", new { runSeq }, cancellationToken);
        return rows.ToDictionary(r => r.Name, r => new MetricSummary(r.Kind, JsonDocument.Parse(r.LastJson).RootElement.Clone(),
            r.LastStep, Times.FromMs(r.LastMs), r.Count), StringComparer.Ordinal);
    }

    public async Task<MetricInfo?> FindAsync(long runSeq, string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.First<MetricRowData>(null, $"SELECT {MetricColumns} FROM metrics WHERE run_seq = @runSeq AND name = @name", new { runSeq, name }, cancellationToken);
        return row is null ? null : new MetricInfo(row.Id, row.Name, row.Kind, row.Count);
    }

    public async IAsyncEnumerable<MetricBlock> ReadBlocksAsync(long metricId, bool withData, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT seq, count, first_step, last_step, min_value, min_step, min_ms, min_index, max_value, max_step, max_ms, max_index"
            + (withData ? ", data" : "") + " FROM metric_blocks WHERE metric_id = @id ORDER BY seq";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "id";
        parameter.Value = metricId;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var summary = new BlockSummary(reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3),
                new StoredPoint(reader.GetInt64(5), NullableDouble(reader, 4), reader.GetInt64(6)), reader.GetInt32(7),
                new StoredPoint(reader.GetInt64(9), NullableDouble(reader, 8), reader.GetInt64(10)), reader.GetInt32(11));
            yield return new MetricBlock(reader.GetInt64(0), summary, withData ? (byte[])reader.GetValue(12) : null);
        }
    }

    public async IAsyncEnumerable<StoredRow> ReadRowsAsync(long metricId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        foreach (var row in await c.Query<RowData>(null, "SELECT step, time_ms, value FROM metric_rows WHERE metric_id = @metricId ORDER BY seq", new { metricId }, cancellationToken))
            yield return new StoredRow(row.Step, row.Value, row.TimeMs);
    }

    // SQLite keeps NaN as NULL; a NULL summary value is a NaN point.
    private static double NullableDouble(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? double.NaN : reader.GetDouble(ordinal);

    /// <summary>
    /// One upsert finds or creates the metric and returns it; on PostgreSQL its DO UPDATE also locks the
    /// row, so concurrent appends to one metric queue up instead of racing.
    /// </summary>
    private static async Task<MetricRowData> GetOrCreateAsync(DbConnection c, DbTransaction t, long runSeq, string name, string kind, CancellationToken ct)
    {
        var metric = await c.First<MetricRowData>(t,
            "INSERT INTO metrics (run_seq, name, kind, count, last_step, last_ms, last_value, last_json) VALUES (@runSeq, @name, @kind, 0, -1, 0, NULL, 'null') " +
            $"ON CONFLICT (run_seq, name) DO UPDATE SET count = metrics.count RETURNING {MetricColumns}", new { runSeq, name, kind }, ct)
            ?? throw new InvalidOperationException($"Metric '{name}' was neither found nor created.");
        if (metric.Kind != kind)
            throw new LoomException(ErrorCodes.InvalidRequest, $"Metric '{name}' holds {metric.Kind} values; it cannot take {kind} values.");
        return metric;
    }

    private static StoredPoint[] Resolve(ScalarSeries series, long existing)
    {
        var points = new StoredPoint[series.Values.Count];
        for (var i = 0; i < points.Length; i++)
            points[i] = new StoredPoint(series.Steps[i] ?? existing + i, series.Values[i], series.TimesMs[i]);
        return points;
    }

    /// <summary>The latest point: the highest step, the last logged among equals.</summary>
    private static StoredPoint LatestOf(StoredPoint[] points)
    {
        var latest = points[0];
        foreach (var p in points) if (p.Step >= latest.Step) latest = p;
        return latest;
    }

    /// <summary>
    /// Appends points as new blocks, never rewriting stored ones on the way in. Once a metric ends in
    /// <see cref="CompactAfter"/> partial blocks (many small batches), those are merged into full blocks,
    /// so each point is rewritten about once however small the batches are.
    /// </summary>
    private static async Task AppendBlocksAsync(DbConnection c, DbTransaction t, MetricRowData metric, StoredPoint[] points, List<BlockRow> blocks, CancellationToken ct)
    {
        var nextSeq = metric.BlockCount;
        var pending = points.AsMemory();
        var tail = metric.PartialTail;
        if (tail >= CompactAfter - 1)
        {
            var firstSeq = metric.BlockCount - tail;
            var merged = new List<StoredPoint>(MetricBlocks.Capacity * 2);
            foreach (var block in await c.Query<BlockData>(t, "SELECT data FROM metric_blocks WHERE metric_id = @Id AND seq >= @firstSeq ORDER BY seq",
                         new { metric.Id, firstSeq }, ct))
                merged.AddRange(MetricBlocks.Decode(block.Data).ToArray());
            merged.AddRange(points);
            await c.Execute(t, "DELETE FROM metric_blocks WHERE metric_id = @Id AND seq >= @firstSeq", new { metric.Id, firstSeq }, ct);
            pending = merged.ToArray();
            nextSeq = firstSeq;
            tail = 0;
        }
        var added = 0;
        while (pending.Length > 0)
        {
            var take = Math.Min(MetricBlocks.Capacity, pending.Length);
            blocks.Add(ToRow(metric.Id, nextSeq++, pending.Span[..take]));
            pending = pending[take..];
            added++;
        }
        var lastIsPartial = blocks[^1].Count < MetricBlocks.Capacity;
        metric.PartialTail = !lastIsPartial ? 0 : added == 1 ? tail + 1 : 1;
        metric.BlockCount = nextSeq;
    }

    private static BlockRow ToRow(long metricId, long seq, ReadOnlySpan<StoredPoint> points)
    {
        var s = MetricBlocks.Summarize(points);
        return new BlockRow(metricId, seq, s.Count, s.FirstStep, s.LastStep, s.Min.Value, s.Min.Step, s.Min.TimeMs, s.MinIndex,
            s.Max.Value, s.Max.Step, s.Max.TimeMs, s.MaxIndex, MetricBlocks.Encode(points));
    }

    private static Task UpdateMetricAsync(DbConnection c, DbTransaction t, MetricRowData metric, int added, long step, long timeMs, double? value, string json, CancellationToken ct)
    {
        var newer = step >= metric.LastStep;
        metric.Count += added;
        if (newer) { metric.LastStep = step; metric.LastMs = timeMs; metric.LastJson = json; }
        return newer
            ? c.Execute(t, "UPDATE metrics SET count = @Count, last_step = @step, last_ms = @timeMs, last_value = @number, last_json = @json, " +
                "block_count = @BlockCount, partial_tail = @PartialTail WHERE id = @Id",
                new { metric.Count, step, timeMs, number = value is { } v && !double.IsNaN(v) ? v : (double?)null, json, metric.BlockCount, metric.PartialTail, metric.Id }, ct)
            : c.Execute(t, "UPDATE metrics SET count = @Count, block_count = @BlockCount, partial_tail = @PartialTail WHERE id = @Id",
                new { metric.Count, metric.BlockCount, metric.PartialTail, metric.Id }, ct);
    }

    private sealed class MetricRowData
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public string Kind { get; set; } = "";
        public long Count { get; set; }
        public long LastStep { get; set; }
        public long LastMs { get; set; }
        public string LastJson { get; set; } = "null";
        public long BlockCount { get; set; }
        public long PartialTail { get; set; }
    }

    private sealed class BlockData
    {
        public byte[] Data { get; set; } = [];
    }

    private sealed class RowData
    {
        public long Step { get; set; }
        public long TimeMs { get; set; }
        public string Value { get; set; } = "";
    }
}
