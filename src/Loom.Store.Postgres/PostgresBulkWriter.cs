using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Loom.Store.Postgres;

/// <summary>PostgreSQL's bulk path: binary COPY inside the caller's transaction.</summary>
public sealed class PostgresBulkWriter : IBulkWriter
{
    public async Task InsertBlocksAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<BlockRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        await using var copy = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            "COPY metric_blocks (metric_id, seq, count, first_step, last_step, min_value, min_step, min_ms, min_index, " +
            "max_value, max_step, max_ms, max_index, data) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var r in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(r.MetricId, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.Seq, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync((long)r.Count, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.FirstStep, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.LastStep, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(copy, r.MinValue, cancellationToken);
            await copy.WriteAsync(r.MinStep, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.MinMs, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync((long)r.MinIndex, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(copy, r.MaxValue, cancellationToken);
            await copy.WriteAsync(r.MaxStep, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.MaxMs, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync((long)r.MaxIndex, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.Data, NpgsqlDbType.Bytea, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    public async Task InsertRowValuesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<RowValueRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        await using var copy = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            "COPY metric_rows (metric_id, seq, step, time_ms, value) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var r in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(r.MetricId, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.Seq, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.Step, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.TimeMs, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.Value, NpgsqlDbType.Text, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    public async Task InsertEndpointRequestsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Core.Serving.EndpointRequestRecord> rows,
        CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        await using var copy = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            "COPY endpoint_requests (workspace_id, endpoint_id, deployment, time_ms, latency_ms, status, request_bytes, response_bytes, error) " +
            "FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var r in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(r.WorkspaceId, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.EndpointId, NpgsqlDbType.Bigint, cancellationToken);
            if (r.Deployment is null) await copy.WriteNullAsync(cancellationToken);
            else await copy.WriteAsync(r.Deployment, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(r.TimeMs, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.LatencyMs, NpgsqlDbType.Double, cancellationToken);
            await copy.WriteAsync(r.Status, NpgsqlDbType.Integer, cancellationToken);
            await copy.WriteAsync(r.RequestBytes, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(r.ResponseBytes, NpgsqlDbType.Bigint, cancellationToken);
            if (r.Error is null) await copy.WriteNullAsync(cancellationToken);
            else await copy.WriteAsync(r.Error, NpgsqlDbType.Text, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    // NaN is stored as NULL on both providers so that filters treat it as missing.
    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, double value, CancellationToken cancellationToken) =>
        double.IsNaN(value) ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Double, cancellationToken);
}
