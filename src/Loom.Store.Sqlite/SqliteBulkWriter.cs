using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Loom.Store.Sqlite;

/// <summary>SQLite's bulk path: one prepared statement executed per row inside the caller's transaction.</summary>
public sealed class SqliteBulkWriter : IBulkWriter
{
    public async Task InsertBlocksAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<BlockRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        await using var command = (SqliteCommand)connection.CreateCommand();
        command.Transaction = (SqliteTransaction)transaction;
        command.CommandText = "INSERT INTO metric_blocks (metric_id, seq, count, first_step, last_step, min_value, min_step, min_ms, min_index, " +
            "max_value, max_step, max_ms, max_index, data) VALUES ($m, $s, $c, $fs, $ls, $minv, $mins, $minms, $mini, $maxv, $maxs, $maxms, $maxi, $d)";
        var p = new[] { "$m", "$s", "$c", "$fs", "$ls", "$minv", "$mins", "$minms", "$mini", "$maxv", "$maxs", "$maxms", "$maxi", "$d" }
            .Select(name => command.Parameters.Add(name, SqliteType.Integer)).ToArray();
        p[5].SqliteType = p[9].SqliteType = SqliteType.Real;
        p[13].SqliteType = SqliteType.Blob;
        command.Prepare();
        foreach (var r in rows)
        {
            p[0].Value = r.MetricId; p[1].Value = r.Seq; p[2].Value = r.Count; p[3].Value = r.FirstStep; p[4].Value = r.LastStep;
            p[5].Value = double.IsNaN(r.MinValue) ? DBNull.Value : r.MinValue; p[6].Value = r.MinStep; p[7].Value = r.MinMs; p[8].Value = r.MinIndex;
            p[9].Value = double.IsNaN(r.MaxValue) ? DBNull.Value : r.MaxValue; p[10].Value = r.MaxStep; p[11].Value = r.MaxMs; p[12].Value = r.MaxIndex;
            p[13].Value = r.Data;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task InsertRowValuesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<RowValueRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        await using var command = (SqliteCommand)connection.CreateCommand();
        command.Transaction = (SqliteTransaction)transaction;
        command.CommandText = "INSERT INTO metric_rows (metric_id, seq, step, time_ms, value) VALUES ($m, $s, $st, $t, $v)";
        var metric = command.Parameters.Add("$m", SqliteType.Integer);
        var seq = command.Parameters.Add("$s", SqliteType.Integer);
        var step = command.Parameters.Add("$st", SqliteType.Integer);
        var time = command.Parameters.Add("$t", SqliteType.Integer);
        var value = command.Parameters.Add("$v", SqliteType.Text);
        command.Prepare();
        foreach (var r in rows)
        {
            metric.Value = r.MetricId; seq.Value = r.Seq; step.Value = r.Step; time.Value = r.TimeMs; value.Value = r.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task InsertEndpointRequestsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Core.Serving.EndpointRequestRecord> rows,
        CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        await using var command = (SqliteCommand)connection.CreateCommand();
        command.Transaction = (SqliteTransaction)transaction;
        command.CommandText = "INSERT INTO endpoint_requests (workspace_id, endpoint_id, deployment, time_ms, latency_ms, status, request_bytes, " +
            "response_bytes, error) VALUES ($w, $e, $d, $t, $l, $s, $q, $a, $x)";
        var p = new[] { "$w", "$e", "$d", "$t", "$l", "$s", "$q", "$a", "$x" }.Select(name => command.Parameters.Add(name, SqliteType.Integer)).ToArray();
        p[2].SqliteType = p[8].SqliteType = SqliteType.Text;
        p[4].SqliteType = SqliteType.Real;
        command.Prepare();
        foreach (var r in rows)
        {
            p[0].Value = r.WorkspaceId; p[1].Value = r.EndpointId; p[2].Value = (object?)r.Deployment ?? DBNull.Value; p[3].Value = r.TimeMs;
            p[4].Value = r.LatencyMs; p[5].Value = r.Status; p[6].Value = r.RequestBytes; p[7].Value = r.ResponseBytes;
            p[8].Value = (object?)r.Error ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
