using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Identity;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Loom.Core.Tracking;

public static class RunEndpoints
{
    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder app)
    {
        var experiments = app.MapGroup("/api/v1/workspaces/{ws}/experiments").WithTags("Experiments");
        experiments.MapGet("", ListExperiments).WithName("ListExperiments");
        experiments.MapGet("/{name}", GetExperiment).WithName("GetExperiment");

        var runs = app.MapGroup("/api/v1/workspaces/{ws}/runs").WithTags("Runs");
        runs.MapPost("", CreateRun).WithName("CreateRun");
        runs.MapGet("", ListRuns).WithName("ListRuns");
        runs.MapGet("/{runId}", GetRun).WithName("GetRun");
        runs.MapPatch("/{runId}", UpdateRun).WithName("UpdateRun");
        runs.MapPost("/{runId}/cancel", CancelRun).WithName("CancelRun");
        runs.MapGet("/{runId}/children", ListChildRuns).WithName("ListChildRuns");
        return app;
    }

    public static async Task<Ok<ListResult<ExperimentDto>>> ListExperiments(WorkspaceScope scope, RunService runs, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<ExperimentDto>(await runs.ListExperimentsAsync(scope.Id, cancellationToken)));

    public static async Task<Ok<ExperimentDto>> GetExperiment(WorkspaceScope scope, string name, RunService runs, CancellationToken cancellationToken) =>
        TypedResults.Ok(await runs.GetExperimentAsync(scope.Id, name, cancellationToken));

    public static async Task<Created<RunDto>> CreateRun(WorkspaceScope scope, CreateRunRequest request, HttpRequest http, RunService runs, CancellationToken cancellationToken)
    {
        // A run token creates runs only below its own run.
        if (http.HttpContext.User.ScopedRun() is { } scoped
            && (request.ParentRunId is null || !await runs.IsWithinAsync(scope.Id, scoped, request.ParentRunId, cancellationToken)))
            throw new LoomException(ErrorCodes.Forbidden, $"A run token creates only child runs of run '{scoped}' or of the runs below it.");
        var run = await runs.CreateAsync(scope.Id, request, Idempotency.From(http, request), cancellationToken);
        return TypedResults.Created($"/api/v1/workspaces/{scope.Name}/runs/{run.Id}", run);
    }

    public static async Task<Ok<ListResult<RunDto>>> ListRuns(WorkspaceScope scope, RunService runs, string? experiment, string? filter, string? orderBy,
        int? pageSize, string? pageToken, string? parentRunId, CancellationToken cancellationToken)
    {
        var query = RunQueries.Parse(experiment, filter, orderBy, pageSize, pageToken, parentRunId);
        return TypedResults.Ok(await runs.ListAsync(scope.Id, query, cancellationToken));
    }

    public static async Task<Ok<RunDto>> GetRun(WorkspaceScope scope, string runId, RunService runs, CancellationToken cancellationToken) =>
        TypedResults.Ok(await runs.GetAsync(scope.Id, runId, cancellationToken));

    public static async Task<Ok<RunDto>> UpdateRun(WorkspaceScope scope, string runId, UpdateRunRequest request, RunService runs, CancellationToken cancellationToken) =>
        TypedResults.Ok(await runs.UpdateAsync(scope.Id, runId, request, cancellationToken));

    public static async Task<Ok<RunDto>> CancelRun(WorkspaceScope scope, string runId, RunService runs, CancellationToken cancellationToken) =>
        TypedResults.Ok(await runs.CancelAsync(scope.Id, runId, cancellationToken));

    public static async Task<Ok<ListResult<RunDto>>> ListChildRuns(WorkspaceScope scope, string runId, RunService runs, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<RunDto>(await runs.ListChildrenAsync(scope.Id, runId, cancellationToken)));
}
