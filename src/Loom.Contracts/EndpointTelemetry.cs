namespace Loom.Contracts;

/// <summary>
/// One scoring call a standalone host (<c>loom serve</c>) answered, as it reports it: when it came, the deployment that took it, how
/// long it took, its status, the request and response sizes in bytes and, for a failure, its message (at most 1,000 characters).
/// </summary>
public sealed record EndpointRequestDto(
    DateTimeOffset Time,
    string? Deployment,
    double LatencyMs,
    int Status,
    long RequestBytes,
    long ResponseBytes,
    string? Error = null);

/// <summary><c>POST /endpoints/{name}/telemetry</c>: scoring calls to record, at most 10,000.</summary>
public sealed record EndpointTelemetryBatch(IReadOnlyList<EndpointRequestDto>? Requests);

/// <summary>How many calls of a telemetry batch were queued for the endpoint's telemetry.</summary>
public sealed record EndpointTelemetryAcceptedDto(int Accepted);
