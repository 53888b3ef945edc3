using Loom.Core.Serving;

namespace Loom.Store;

/// <summary>Endpoint request telemetry: a batch is one transaction through the provider's bulk path (prepared inserts, binary COPY).</summary>
public sealed class SqlEndpointTelemetryStore(LoomDatabase db) : IEndpointTelemetryStore
{
    private const string Columns = "workspace_id, endpoint_id, deployment, time_ms, latency_ms, status, request_bytes, response_bytes, error";

    public Task InsertAsync(IReadOnlyList<EndpointRequestRecord> rows, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            await db.Bulk.InsertEndpointRequestsAsync(c, t, rows, cancellationToken);
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

    public async Task<IReadOnlyList<EndpointRequestPoint>> ReadPointsAsync(long endpointId, long fromMs, long toMs, int limit,
        CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<PointRow>(null,
            "SELECT time_ms, status, latency_ms FROM endpoint_requests WHERE endpoint_id = @endpointId AND time_ms >= @fromMs AND time_ms < @toMs " +
            "ORDER BY time_ms DESC LIMIT @limit", new { endpointId, fromMs, toMs, limit = (long)limit }, cancellationToken);
        return rows.Select(r => new EndpointRequestPoint(r.TimeMs, (int)r.Status, r.LatencyMs)).ToList();
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

    private sealed class SampleRow
    {
        public string? Deployment { get; set; }
        public long Status { get; set; }
        public double LatencyMs { get; set; }
    }

    private sealed class PointRow
    {
        public long TimeMs { get; set; }
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
