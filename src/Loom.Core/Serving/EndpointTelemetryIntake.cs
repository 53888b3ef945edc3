using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Workspaces;
using Microsoft.Extensions.Options;

namespace Loom.Core.Serving;

/// <summary>
/// Takes the scoring calls a standalone host answered and queues them on <see cref="EndpointTelemetry"/>, the writer the server's own
/// scoring routes record through, so that metrics count both alike. A batch is checked whole before any of it is queued.
/// </summary>
public sealed class EndpointTelemetryIntake(EndpointService endpoints, EndpointTelemetry telemetry, IOptions<EndpointOptions> options, TimeProvider time)
{
    public const int MaxRequests = 10_000;

    /// <summary>A recorded error message is at most this long (<see cref="Clip"/>).</summary>
    public const int MaxErrorChars = 1_000;

    /// <summary>A clock ahead of the server's by more than this is wrong, not early.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private const double MaxLatencyMs = 24 * 60 * 60 * 1000;

    public async Task<EndpointTelemetryAcceptedDto> RecordAsync(WorkspaceRecord workspace, string name, EndpointTelemetryBatch batch,
        CancellationToken cancellationToken)
    {
        var requests = batch.Requests ?? throw Invalid("requests is required: a list of scoring calls.");
        if (requests.Count > MaxRequests)
            throw new LoomException(ErrorCodes.BatchTooLarge, $"A telemetry batch holds at most {MaxRequests:N0} calls; this one has {requests.Count:N0}.");
        var endpoint = await endpoints.FindAsync(workspace, name, cancellationToken);
        var now = Times.Now(time);
        var oldest = now - TimeSpan.FromDays(options.Value.TelemetryRetentionDays);
        for (var i = 0; i < requests.Count; i++) Check(requests[i], i, endpoint, oldest, now + MaxClockSkew);
        foreach (var r in requests)
        {
            telemetry.Record(new EndpointRequestRecord(workspace.Id, endpoint.Id, r.Deployment, Times.ToMs(r.Time), Math.Round(r.LatencyMs, 3), r.Status,
                r.RequestBytes, r.ResponseBytes, r.Error));
        }
        return new EndpointTelemetryAcceptedDto(requests.Count);
    }

    private static void Check(EndpointRequestDto? request, int index, EndpointRecord endpoint, DateTimeOffset oldest, DateTimeOffset latest)
    {
        var at = $"requests[{index}]";
        if (request is null) throw Invalid($"{at} is null.");
        if (request.Time < oldest || request.Time > latest)
            throw Invalid($"{at}.time must be within the telemetry retention and not in the future (from {oldest:O} to {latest:O}).");
        if (request.Deployment is { } deployment && !endpoint.Deployments.Contains(deployment, StringComparer.Ordinal))
            throw Invalid($"{at}.deployment '{deployment}' is not a deployment of endpoint '{endpoint.Name}'.");
        if (request.Status is < 100 or > 599) throw Invalid($"{at}.status must be an HTTP status from 100 to 599.");
        if (!double.IsFinite(request.LatencyMs) || request.LatencyMs is < 0 or > MaxLatencyMs)
            throw Invalid($"{at}.latencyMs must be from 0 to {MaxLatencyMs:0} (a day).");
        if (request.RequestBytes < 0 || request.ResponseBytes < 0) throw Invalid($"{at}: requestBytes and responseBytes must not be negative.");
        if (request.Error is { Length: > MaxErrorChars }) throw Invalid($"{at}.error is longer than {MaxErrorChars:N0} characters.");
    }

    /// <summary>An error message cut to what telemetry keeps.</summary>
    public static string? Clip(string? error) => error is { Length: > MaxErrorChars } ? error[..MaxErrorChars] : error;

    private static LoomException Invalid(string detail) => new(ErrorCodes.InvalidRequest, detail);
}
