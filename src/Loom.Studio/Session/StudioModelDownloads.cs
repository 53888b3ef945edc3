using Loom.Contracts;
using Loom.Core.Registry;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Loom.Studio.Session;

/// <summary>
/// Model downloads for the browser, which holds the Studio's cookie rather than a bearer token: the same zip as
/// <c>GET /api/v1/workspaces/{ws}/models/{name}/versions/{version}/zip</c>, for a signed-in user with a role in the workspace.
/// </summary>
public static class StudioModelDownloads
{
    public static IEndpointRouteBuilder MapStudioModelDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/studio/models/{name}/versions/{version}/zip", DownloadModelZip)
            .ExcludeFromDescription()
            .RequireAuthorization(StudioAuthentication.Policy);
        return app;
    }

    /// <summary>
    /// The version's files as one zip. The workspace is <paramref name="workspace"/> when given (the page that linked here names it), else
    /// the one this browser has chosen.
    /// </summary>
    public static async Task<PushStreamHttpResult> DownloadModelZip(HttpContext context, string name, string version, string? workspace,
        WorkspaceService workspaces, ModelService models, CancellationToken cancellationToken)
    {
        var scope = await workspaces.AuthorizeAsync(context.User, workspace ?? StudioCookies.Workspace(context), Role.Reader, cancellationToken);
        // Resolved before streaming starts so an unknown model is still a 404 problem.
        var model = await models.GetAsync(scope.Id, name, version, cancellationToken);
        return TypedResults.Stream(body => models.WriteZipAsync(model.Files, body, cancellationToken), "application/zip", $"{model.Name}-{model.Version}.zip");
    }
}
