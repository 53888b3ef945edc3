using Loom.Contracts;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Loom.Core.Environments;

public static class EnvironmentEndpoints
{
    public static IEndpointRouteBuilder MapEnvironments(this IEndpointRouteBuilder app)
    {
        var environments = app.MapGroup("/api/v1/workspaces/{ws}/environments").WithTags("Environments");
        environments.MapPost("", RegisterEnvironment).WithName("RegisterEnvironment");
        environments.MapGet("", ListEnvironments).WithName("ListEnvironments");
        environments.MapGet("/{name}", GetEnvironment).WithName("GetEnvironment");
        environments.MapGet("/{name}/versions", ListEnvironmentVersions).WithName("ListEnvironmentVersions");
        environments.MapGet("/{name}/versions/{version}", GetEnvironmentVersion).WithName("GetEnvironmentVersion");
        return app;
    }

    /// <summary>Registers the next version, or answers with the latest one when its spec hash is the same.</summary>
    public static async Task<Created<EnvironmentDto>> RegisterEnvironment(WorkspaceScope scope, CreateEnvironmentRequest request, HttpRequest http,
        EnvironmentService environments, CancellationToken cancellationToken)
    {
        var environment = await environments.RegisterAsync(scope.Workspace, request, Idempotency.From(http, request), cancellationToken);
        return TypedResults.Created($"/api/v1/workspaces/{scope.Name}/environments/{environment.Name}/versions/{environment.Version}", environment);
    }

    public static async Task<Ok<ListResult<EnvironmentSummaryDto>>> ListEnvironments(WorkspaceScope scope, EnvironmentService environments,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<EnvironmentSummaryDto>(await environments.ListAsync(scope.Workspace, cancellationToken)));

    public static async Task<Ok<EnvironmentDto>> GetEnvironment(WorkspaceScope scope, string name, EnvironmentService environments,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await environments.GetAsync(scope.Workspace, name, EnvironmentService.Latest, cancellationToken));

    public static async Task<Ok<ListResult<EnvironmentDto>>> ListEnvironmentVersions(WorkspaceScope scope, string name, EnvironmentService environments,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<EnvironmentDto>(await environments.ListVersionsAsync(scope.Workspace, name, cancellationToken)));

    /// <summary>One version; <c>{version}</c> is a number or <c>latest</c>.</summary>
    public static async Task<Ok<EnvironmentDto>> GetEnvironmentVersion(WorkspaceScope scope, string name, string version, EnvironmentService environments,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await environments.GetAsync(scope.Workspace, name, version, cancellationToken));
}
