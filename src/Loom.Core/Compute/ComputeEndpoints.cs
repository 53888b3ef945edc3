using Loom.Contracts;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Loom.Core.Compute;

public static class ComputeEndpoints
{
    public static IEndpointRouteBuilder MapComputes(this IEndpointRouteBuilder app)
    {
        var computes = app.MapGroup("/api/v1/workspaces/{ws}/computes").WithTags("Compute");
        computes.MapPost("", CreateCompute).WithName("CreateCompute");
        computes.MapGet("", ListComputes).WithName("ListComputes");
        computes.MapGet("/{name}", GetCompute).WithName("GetCompute");
        computes.MapPatch("/{name}", UpdateCompute).WithName("UpdateCompute");
        computes.MapDelete("/{name}", DeleteCompute).WithName("DeleteCompute");
        return app;
    }

    /// <summary>Creates a compute target; a taken name is <c>compute_exists</c>.</summary>
    public static async Task<Created<ComputeDto>> CreateCompute(WorkspaceScope scope, CreateComputeRequest request, HttpRequest http,
        ComputeService computes, CancellationToken cancellationToken)
    {
        var compute = await computes.CreateAsync(scope.Workspace, request, Idempotency.From(http, request), cancellationToken);
        return TypedResults.Created($"/api/v1/workspaces/{scope.Name}/computes/{compute.Name}", compute);
    }

    public static async Task<Ok<ListResult<ComputeDto>>> ListComputes(WorkspaceScope scope, ComputeService computes, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<ComputeDto>(await computes.ListAsync(scope.Workspace, cancellationToken)));

    public static async Task<Ok<ComputeDto>> GetCompute(WorkspaceScope scope, string name, ComputeService computes, CancellationToken cancellationToken) =>
        TypedResults.Ok(await computes.GetAsync(scope.Workspace, name, cancellationToken));

    /// <summary>Changes the scaling policy, description or tags; the result is validated as on create.</summary>
    public static async Task<Ok<ComputeDto>> UpdateCompute(WorkspaceScope scope, string name, UpdateComputeRequest request, ComputeService computes,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await computes.UpdateAsync(scope.Workspace, name, request, cancellationToken));

    public static async Task<NoContent> DeleteCompute(WorkspaceScope scope, string name, ComputeService computes, CancellationToken cancellationToken)
    {
        await computes.DeleteAsync(scope.Workspace, name, cancellationToken);
        return TypedResults.NoContent();
    }
}
