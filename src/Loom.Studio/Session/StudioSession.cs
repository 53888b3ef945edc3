using System.Security.Claims;
using Loom.Contracts;
using Loom.Core.Identity;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Components.Authorization;

namespace Loom.Studio.Session;

/// <summary>
/// One browser circuit's view of Loom: who is signed in and which workspace they look at. Pages reach the server's
/// services through the workspace this resolves, with the same role checks as the REST API.
/// </summary>
public sealed class StudioSession(AuthenticationStateProvider authentication, WorkspaceService workspaces)
{
    public string WorkspaceName { get; set; } = WorkspaceService.DefaultName;

    public async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    /// <summary>The chosen workspace, checked against the signed-in user's role; throws a problem the page shows when it is not allowed.</summary>
    public async Task<WorkspaceScope> WorkspaceAsync(CancellationToken cancellationToken, Role needed = Role.Reader)
    {
        var user = await UserAsync();
        // A token made for one workspace opens that workspace, whatever this browser looked at before.
        if (user.RoleIn(WorkspaceName) is null && user.FindFirst(LoomClaims.Workspace)?.Value is { } own && own != "*")
            WorkspaceName = own;
        return await workspaces.AuthorizeAsync(user, WorkspaceName, needed, cancellationToken);
    }

    /// <summary>Whether the user may change things (cancel runs, send test requests) in the chosen workspace.</summary>
    public async Task<bool> CanContributeAsync() => (await UserAsync()).RoleIn(WorkspaceName) >= Role.Contributor;

    /// <summary>The workspaces the signed-in user holds a role in.</summary>
    public async Task<IReadOnlyList<string>> WorkspacesAsync(CancellationToken cancellationToken)
    {
        var user = await UserAsync();
        var all = await workspaces.ListAsync(cancellationToken);
        return [.. all.Where(w => user.RoleIn(w.Name) is not null).Select(w => w.Name)];
    }
}
