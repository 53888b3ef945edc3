using Loom.Contracts;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Loom.Core.Tracking;

public static class MetricEndpoints
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        var metrics = app.MapGroup("/api/v1/workspaces/{ws}/runs/{runId}/metrics").WithTags("Metrics");
        metrics.MapPost("", LogMetrics).WithName("LogMetrics");
        metrics.MapGet("", GetLatestMetrics).WithName("GetLatestMetrics");
        metrics.MapGet("/{name}/history", GetMetricHistory).WithName("GetMetricHistory");
        return app;
    }

    public static async Task<Ok<MetricBatchResult>> LogMetrics(WorkspaceScope scope, string runId, MetricBatch batch, HttpRequest http,
        MetricService metrics, CancellationToken cancellationToken) =>
        TypedResults.Ok(await metrics.AppendAsync(scope.Id, runId, batch, Idempotency.From(http, batch), cancellationToken));

    public static async Task<Ok<IReadOnlyDictionary<string, MetricSummary>>> GetLatestMetrics(WorkspaceScope scope, string runId,
        MetricService metrics, CancellationToken cancellationToken) =>
        TypedResults.Ok(await metrics.LatestAsync(scope.Id, runId, cancellationToken));

    public static async Task<MetricHistoryResult> GetMetricHistory(WorkspaceScope scope, string runId, string name, int? maxPoints,
        MetricService metrics, CancellationToken cancellationToken)
    {
        MetricService.CheckMaxPoints(maxPoints);
        var metric = await metrics.FindAsync(scope.Id, runId, name, cancellationToken);
        return new MetricHistoryResult(metric, maxPoints, metrics);
    }
}
