using Loom.Contracts;
using Loom.Core.Snapshots;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Loom.Core.Execution;

public static class ExecutionEndpoints
{
    /// <summary>Submission (<c>/runs/submit</c>), a submitted run's job and snapshot, and the agent protocol (<c>/api/v1/agents</c>).</summary>
    public static IEndpointRouteBuilder MapExecution(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/v1/workspaces/{ws}/runs").WithTags("Runs");
        runs.MapPost("/submit", SubmitRun).WithName("SubmitRun");
        runs.MapGet("/{runId}/job", GetRunJob).WithName("GetRunJob");
        runs.MapGet("/{runId}/snapshot", DownloadRunSnapshot).WithName("DownloadRunSnapshot");

        var agents = app.MapGroup("/api/v1/agents").WithTags("Agents");
        agents.MapPost("", RegisterAgent).WithName("RegisterAgent");
        agents.MapPost("/{id}/claim", ClaimJob).WithName("ClaimJob");
        agents.MapPost("/{id}/heartbeat", Heartbeat).WithName("AgentHeartbeat");
        agents.MapPost("/{id}/jobs/{runId}/status", ReportJobStatus).WithName("ReportJobStatus");
        agents.MapDelete("/{id}", LeaveCompute).WithName("LeaveCompute");
        return app;
    }

    /// <summary>Queues a run of a stored snapshot on a compute target (status Queued).</summary>
    public static async Task<Created<RunDto>> SubmitRun(WorkspaceScope scope, SubmitRunRequest request, HttpRequest http,
        SubmissionService submissions, CancellationToken cancellationToken)
    {
        var run = await submissions.SubmitAsync(scope.Workspace, request, Idempotency.From(http, request), cancellationToken);
        return TypedResults.Created($"/api/v1/workspaces/{scope.Name}/runs/{run.Id}", run);
    }

    public static async Task<Ok<RunJobDto>> GetRunJob(WorkspaceScope scope, string runId, SubmissionService submissions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await submissions.GetJobAsync(scope.Workspace, runId, cancellationToken));

    /// <summary>The run's snapshot as a zip.</summary>
    public static async Task<PushStreamHttpResult> DownloadRunSnapshot(WorkspaceScope scope, string runId, SubmissionService submissions,
        SnapshotService snapshots, CancellationToken cancellationToken)
    {
        var entries = await submissions.SnapshotOfAsync(scope.Workspace, runId, cancellationToken);
        return TypedResults.Stream(body => snapshots.WriteZipAsync(entries, body, cancellationToken), "application/zip", $"{runId}-snapshot.zip");
    }

    /// <summary>An agent joins a compute target; the caller needs the Contributor role in the workspace.</summary>
    public static async Task<Created<AgentRegisteredDto>> RegisterAgent(RegisterAgentRequest request, HttpContext http, AgentService agents,
        CancellationToken cancellationToken)
    {
        var registered = await agents.RegisterAsync(http.User, request, cancellationToken);
        return TypedResults.Created($"/api/v1/agents/{registered.Id}", registered);
    }

    /// <summary>Long poll (up to <c>waitSeconds</c>, at most 30) for the next job of the agent's target; 204 when none came.</summary>
    public static async Task<Results<Ok<JobDto>, NoContent>> ClaimJob(string id, int? waitSeconds, AgentService agents, CancellationToken cancellationToken) =>
        await agents.ClaimAsync(id, waitSeconds, cancellationToken) is { } job ? TypedResults.Ok(job) : TypedResults.NoContent();

    public static async Task<Ok<AgentOrdersDto>> Heartbeat(string id, HeartbeatRequest? request, AgentService agents, CancellationToken cancellationToken) =>
        TypedResults.Ok(await agents.HeartbeatAsync(id, cancellationToken));

    public static async Task<Ok<AgentOrdersDto>> ReportJobStatus(string id, string runId, JobStatusRequest request, AgentService agents,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await agents.ReportAsync(id, runId, request, cancellationToken));

    public static async Task<NoContent> LeaveCompute(string id, AgentService agents, CancellationToken cancellationToken)
    {
        await agents.LeaveAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }
}
