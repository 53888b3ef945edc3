using Loom.Contracts;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Loom.Core.Serving;

/// <summary>The control plane of online endpoints: endpoints, their keys, traffic, deployments, logs and metrics.</summary>
public static class EndpointEndpoints
{
    public static IEndpointRouteBuilder MapEndpoints(this IEndpointRouteBuilder app)
    {
        var endpoints = app.MapGroup("/api/v1/workspaces/{ws}/endpoints").WithTags("Endpoints");
        endpoints.MapPost("", CreateEndpoint).WithName("CreateEndpoint");
        endpoints.MapGet("", ListEndpoints).WithName("ListEndpoints");
        endpoints.MapGet("/{name}", GetEndpoint).WithName("GetEndpoint");
        endpoints.MapPatch("/{name}", UpdateEndpoint).WithName("UpdateEndpoint");
        endpoints.MapDelete("/{name}", DeleteEndpoint).WithName("DeleteEndpoint");
        // Keys let their holder score: reading them needs what changing the endpoint needs.
        endpoints.MapGet("/{name}/keys", GetEndpointKeys).WithName("GetEndpointKeys").WithMetadata(new RequiresRoleAttribute(Role.Contributor));
        endpoints.MapPost("/{name}/keys/regenerate", RegenerateEndpointKey).WithName("RegenerateEndpointKey");
        endpoints.MapGet("/{name}/metrics", GetEndpointMetrics).WithName("GetEndpointMetrics");
        endpoints.MapPost("/{name}/telemetry", RecordEndpointTelemetry).WithName("RecordEndpointTelemetry");

        var deployments = endpoints.MapGroup("/{name}/deployments").WithTags("Deployments");
        deployments.MapPost("", CreateDeployment).WithName("CreateDeployment");
        deployments.MapGet("", ListDeployments).WithName("ListDeployments");
        deployments.MapGet("/{deployment}", GetDeployment).WithName("GetDeployment");
        deployments.MapPatch("/{deployment}", UpdateDeployment).WithName("UpdateDeployment");
        deployments.MapDelete("/{deployment}", DeleteDeployment).WithName("DeleteDeployment");
        deployments.MapGet("/{deployment}/logs", GetDeploymentLogs).WithName("GetDeploymentLogs");
        return app;
    }

    /// <summary>Creates an endpoint with fresh keys and no traffic; a taken name is <c>endpoint_exists</c>.</summary>
    public static async Task<Created<EndpointDto>> CreateEndpoint(WorkspaceScope scope, CreateEndpointRequest request, HttpRequest http,
        EndpointService endpoints, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.CreateAsync(scope.Workspace, request, ServerUrl(http), Idempotency.From(http, request), cancellationToken);
        return TypedResults.Created($"/api/v1/workspaces/{scope.Name}/endpoints/{endpoint.Name}", endpoint);
    }

    public static async Task<Ok<ListResult<EndpointDto>>> ListEndpoints(WorkspaceScope scope, HttpRequest http, EndpointService endpoints,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<EndpointDto>(await endpoints.ListAsync(scope.Workspace, ServerUrl(http), cancellationToken)));

    public static async Task<Ok<EndpointDto>> GetEndpoint(WorkspaceScope scope, string name, HttpRequest http, EndpointService endpoints,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await endpoints.GetAsync(scope.Workspace, name, ServerUrl(http), cancellationToken));

    /// <summary>Sets the traffic split (weights 0..100 over its deployments, summing to 100, or empty), description or tags.</summary>
    public static async Task<Ok<EndpointDto>> UpdateEndpoint(WorkspaceScope scope, string name, UpdateEndpointRequest request, HttpRequest http,
        EndpointService endpoints, CancellationToken cancellationToken) =>
        TypedResults.Ok(await endpoints.UpdateAsync(scope.Workspace, name, request, ServerUrl(http), cancellationToken));

    /// <summary>Stops and deletes the endpoint's deployments, then the endpoint and its telemetry.</summary>
    public static async Task<NoContent> DeleteEndpoint(WorkspaceScope scope, string name, EndpointService endpoints, CancellationToken cancellationToken)
    {
        await endpoints.DeleteAsync(scope.Workspace, name, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<EndpointKeysDto>> GetEndpointKeys(WorkspaceScope scope, string name, EndpointService endpoints,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await endpoints.GetKeysAsync(scope.Workspace, name, cancellationToken));

    /// <summary>Replaces the primary or secondary key; the other keeps working.</summary>
    public static async Task<Ok<EndpointKeysDto>> RegenerateEndpointKey(WorkspaceScope scope, string name, RegenerateKeyRequest request,
        EndpointService endpoints, CancellationToken cancellationToken) =>
        TypedResults.Ok(await endpoints.RegenerateKeyAsync(scope.Workspace, name, request, cancellationToken));

    /// <summary>Request rate, latency percentiles and errors over the last <c>minutes</c> (default 60).</summary>
    public static async Task<Ok<EndpointMetricsDto>> GetEndpointMetrics(WorkspaceScope scope, string name, int? minutes, EndpointMetricsService metrics,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await metrics.QueryAsync(scope.Workspace, name, minutes, cancellationToken));

    /// <summary>
    /// Records scoring calls a standalone host (<c>loom serve</c>) answered in the endpoint's telemetry, as the server records its own;
    /// the Contributor role is needed (run and agent tokens are refused). Answers 202: the calls are written in the next batch.
    /// </summary>
    public static async Task<Accepted<EndpointTelemetryAcceptedDto>> RecordEndpointTelemetry(WorkspaceScope scope, string name, EndpointTelemetryBatch batch,
        EndpointTelemetryIntake intake, CancellationToken cancellationToken) =>
        TypedResults.Accepted((string?)null, await intake.RecordAsync(scope.Workspace, name, batch, cancellationToken));

    /// <summary>Stores the deployment as <c>Updating</c> and proves it in the background; poll it until <c>Succeeded</c> or <c>Failed</c>.</summary>
    public static async Task<Created<DeploymentDto>> CreateDeployment(WorkspaceScope scope, string name, CreateDeploymentRequest request, HttpRequest http,
        DeploymentService deployments, CancellationToken cancellationToken)
    {
        var deployment = await deployments.CreateAsync(scope.Workspace, name, request, Idempotency.From(http, request), cancellationToken);
        return TypedResults.Created($"/api/v1/workspaces/{scope.Name}/endpoints/{name}/deployments/{deployment.Name}", deployment);
    }

    public static async Task<Ok<ListResult<DeploymentDto>>> ListDeployments(WorkspaceScope scope, string name, DeploymentService deployments,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<DeploymentDto>(await deployments.ListAsync(scope.Workspace, name, cancellationToken)));

    public static async Task<Ok<DeploymentDto>> GetDeployment(WorkspaceScope scope, string name, string deployment, DeploymentService deployments,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await deployments.GetAsync(scope.Workspace, name, deployment, cancellationToken));

    /// <summary>Replaces the fields given and proves the result as a new generation while the previous one serves.</summary>
    public static async Task<Ok<DeploymentDto>> UpdateDeployment(WorkspaceScope scope, string name, string deployment, UpdateDeploymentRequest request,
        DeploymentService deployments, CancellationToken cancellationToken) =>
        TypedResults.Ok(await deployments.UpdateAsync(scope.Workspace, name, deployment, request, cancellationToken));

    /// <summary>Stops and deletes a deployment; <c>409 deployment_has_traffic</c> while it takes traffic beside other deployments.</summary>
    public static async Task<NoContent> DeleteDeployment(WorkspaceScope scope, string name, string deployment, DeploymentService deployments,
        CancellationToken cancellationToken)
    {
        await deployments.DeleteAsync(scope.Workspace, name, deployment, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The deployment's recent log lines (worker init output, errors), the last <c>lines</c> (default 200).</summary>
    public static async Task<Ok<DeploymentLogsDto>> GetDeploymentLogs(WorkspaceScope scope, string name, string deployment, int? lines,
        DeploymentService deployments, CancellationToken cancellationToken) =>
        TypedResults.Ok(await deployments.LogsAsync(scope.Workspace, name, deployment, lines, cancellationToken));

    /// <summary>The server's root as this caller reached it, which scoring URIs start with.</summary>
    private static string ServerUrl(HttpRequest http) => $"{http.Scheme}://{http.Host}{http.PathBase}";
}
