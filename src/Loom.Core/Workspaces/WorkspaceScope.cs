using System.Reflection;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Core.Workspaces;

/// <summary>
/// The workspace a call addresses through its <c>{ws}</c> route value, resolved and checked against
/// the caller's role before the handler runs (bound by minimal APIs through <see cref="BindAsync"/>).
/// </summary>
public sealed record WorkspaceScope(WorkspaceRecord Workspace, Role Role)
{
    public long Id => Workspace.Id;
    public string Name => Workspace.Name;

    public static async ValueTask<WorkspaceScope?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var name = context.Request.RouteValues["ws"] as string;
        var workspaces = context.RequestServices.GetRequiredService<WorkspaceService>();
        var needed = context.GetEndpoint()?.Metadata.GetMetadata<RequiresRoleAttribute>()?.Role
            ?? (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ? Role.Reader : Role.Contributor);
        return await workspaces.AuthorizeAsync(context.User, name, needed, context.RequestAborted);
    }
}
