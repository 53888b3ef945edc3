using System.Security.Claims;
using Loom.Contracts;
using Loom.Core.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Loom.Core.Workspaces;

public static class WorkspaceEndpoints
{
    public static IEndpointRouteBuilder MapWorkspaces(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/workspaces").WithTags("Workspaces");
        group.MapGet("", ListWorkspaces).WithName("ListWorkspaces");
        group.MapPost("", CreateWorkspace).WithName("CreateWorkspace").RequireAuthorization(LoomClaims.AdminPolicy);
        group.MapGet("/{ws}", GetWorkspace).WithName("GetWorkspace");
        group.MapDelete("/{ws}", DeleteWorkspace).WithName("DeleteWorkspace").WithMetadata(new RequiresRoleAttribute(Role.Owner));
        return app;
    }

    public static async Task<Ok<ListResult<WorkspaceDto>>> ListWorkspaces(ClaimsPrincipal user, WorkspaceService workspaces, CancellationToken cancellationToken)
    {
        var all = await workspaces.ListAsync(cancellationToken);
        var visible = all.Where(w => user.RoleIn(w.Name) is not null).Select(w => w.ToDto()).ToList();
        return TypedResults.Ok(new ListResult<WorkspaceDto>(visible));
    }

    public static async Task<Created<WorkspaceDto>> CreateWorkspace(CreateWorkspaceRequest request, WorkspaceService workspaces, CancellationToken cancellationToken)
    {
        var created = await workspaces.CreateAsync(request, cancellationToken);
        return TypedResults.Created($"/api/v1/workspaces/{created.Name}", created);
    }

    public static async Task<Ok<WorkspaceDto>> GetWorkspace(WorkspaceScope scope, WorkspaceService workspaces, CancellationToken cancellationToken) =>
        TypedResults.Ok(await workspaces.GetAsync(scope.Workspace, cancellationToken));

    public static async Task<NoContent> DeleteWorkspace(WorkspaceScope scope, WorkspaceService workspaces, bool? force, CancellationToken cancellationToken)
    {
        await workspaces.DeleteAsync(scope.Workspace, force ?? false, cancellationToken);
        return TypedResults.NoContent();
    }
}
