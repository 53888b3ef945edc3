using System.Collections.Concurrent;
using System.Text;
using Dapper;
using Loom.Core.Serving;

namespace Loom.Store;

/// <summary>
/// Endpoint request telemetry. A batch is one transaction of multi-row INSERTs (100 rows a statement), which both providers take in
/// one round trip per statement; the providers' COPY paths are kept for metric blocks.
/// </summary>
public sealed class SqlEndpointTelemetryStore(LoomDatabase db) : IEndpointTelemetryStore
{
    private const int RowsPerStatement = 100;
    private const string Columns = "workspace_id, endpoint_id, deployment, time_ms, latency_ms, status, request_bytes, response_bytes, error";
    private readonly ConcurrentDictionary<int, string> _statements = new();

    public Task InsertAsync(IReadOnlyList<EndpointRequestRecord> rows, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            for (var start = 0; start < rows.Count; start += RowsPerStatement)
            {
                var count = Math.Min(RowsPerStatement, rows.Count - start);
                var parameters = new DynamicParameters();
                for (var i = 0; i < count; i++)
                {
                    var r = rows[start + i];
                    parameters.Add($"w{i}", r.WorkspaceId);
                    parameters.Add($"e{i}", r.EndpointId);
                    parameters.Add($"d{i}", r.Deployment);
                    parameters.Add($"t{i}", r.TimeMs);
                    parameters.Add($"l{i}", r.LatencyMs);
                    parameters.Add($"s{i}", r.Status);
                    parameters.Add($"q{i}", r.RequestBytes);
                    parameters.Add($"a{i}", r.ResponseBytes);
                    parameters.Add($"x{i}", r.Error);
                }
                await c.Execute(t, _statements.GetOrAdd(count, InsertStatement), parameters, cancellationToken);
            }
            return 0;
        }, cancellationToken);

    public async Task<IReadOnlyList<EndpointRequestSample>> ReadAsync(long endpointId, long fromMs, long toMs, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<SampleRow>(null,
            "SELECT deployment, status, latency_ms FROM endpoint_requests WHERE endpoint_id = @endpointId AND time_ms >= @fromMs AND time_ms < @toMs " +
            "ORDER BY time_ms DESC LIMIT @limit", new { endpointId, fromMs, toMs, limit = (long)limit }, cancellationToken);
        return rows.Select(r => new EndpointRequestSample(r.Deployment, (int)r.Status, r.LatencyMs)).ToList();
    }

    public async Task<IReadOnlyList<EndpointRequestRecord>> RecentErrorsAsync(long endpointId, long fromMs, long toMs, int limit,
        CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<RequestRow>(null,
            $"SELECT {Columns} FROM endpoint_requests WHERE endpoint_id = @endpointId AND time_ms >= @fromMs AND time_ms < @toMs AND status >= 400 " +
            "ORDER BY time_ms DESC LIMIT @limit", new { endpointId, fromMs, toMs, limit = (long)limit }, cancellationToken);
        return rows.Select(r => new EndpointRequestRecord(r.WorkspaceId, r.EndpointId, r.Deployment, r.TimeMs, r.LatencyMs, (int)r.Status, r.RequestBytes,
            r.ResponseBytes, r.Error)).ToList();
    }

    public Task<int> PruneAsync(long beforeMs, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.Execute(t, "DELETE FROM endpoint_requests WHERE time_ms < @beforeMs", new { beforeMs }, cancellationToken), cancellationToken);

    private static string InsertStatement(int count)
    {
        var sql = new StringBuilder($"INSERT INTO endpoint_requests ({Columns}) VALUES ");
        for (var i = 0; i < count; i++)
            sql.Append(i == 0 ? "" : ", ").Append($"(@w{i}, @e{i}, @d{i}, @t{i}, @l{i}, @s{i}, @q{i}, @a{i}, @x{i})");
        return sql.ToString();
    }

    private sealed class SampleRow
    {
        public string? Deployment { get; set; }
        public long Status { get; set; }
        public double LatencyMs { get; set; }
    }

    private sealed class RequestRow
    {
        public long WorkspaceId { get; set; }
        public long EndpointId { get; set; }
        public string? Deployment { get; set; }
        public long TimeMs { get; set; }
        public double LatencyMs { get; set; }
        public long Status { get; set; }
        public long RequestBytes { get; set; }
        public long ResponseBytes { get; set; }
        public string? Error { get; set; }
    }
}
