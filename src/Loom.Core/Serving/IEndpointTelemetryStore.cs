namespace Loom.Core.Serving;

/// <summary>One scoring request as recorded: when, to which endpoint and deployment, how long it took and how it ended.</summary>
public sealed record EndpointRequestRecord(long WorkspaceId, long EndpointId, string? Deployment, long TimeMs, double LatencyMs, int Status,
    long RequestBytes, long ResponseBytes, string? Error);

/// <summary>What a metrics query needs of a request.</summary>
public readonly record struct EndpointRequestSample(string? Deployment, int Status, double LatencyMs);

/// <summary>What a time series of requests needs of a request: when it came, how it ended and how long it took.</summary>
public readonly record struct EndpointRequestPoint(long TimeMs, int Status, double LatencyMs);

/// <summary>Request telemetry, written in batches.</summary>
public interface IEndpointTelemetryStore
{
    /// <summary>Inserts a batch in one transaction.</summary>
    Task InsertAsync(IReadOnlyList<EndpointRequestRecord> rows, CancellationToken cancellationToken);

    /// <summary>The requests of an endpoint from <paramref name="fromMs"/> (inclusive) to <paramref name="toMs"/> (exclusive), the newest <paramref name="limit"/> at most.</summary>
    Task<IReadOnlyList<EndpointRequestSample>> ReadAsync(long endpointId, long fromMs, long toMs, int limit, CancellationToken cancellationToken);

    /// <summary>The requests of an endpoint from <paramref name="fromMs"/> (inclusive) to <paramref name="toMs"/> (exclusive) with their times, the newest <paramref name="limit"/> at most.</summary>
    Task<IReadOnlyList<EndpointRequestPoint>> ReadPointsAsync(long endpointId, long fromMs, long toMs, int limit, CancellationToken cancellationToken);

    /// <summary>The newest failed requests (status 400 or more) of the window, newest first.</summary>
    Task<IReadOnlyList<EndpointRequestRecord>> RecentErrorsAsync(long endpointId, long fromMs, long toMs, int limit, CancellationToken cancellationToken);

    /// <summary>Forgets requests older than <paramref name="beforeMs"/>; returns how many.</summary>
    Task<int> PruneAsync(long beforeMs, CancellationToken cancellationToken);
}
