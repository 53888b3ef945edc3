using Loom.Core.Common;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Loom.Studio.Session;

/// <summary>The few plain HTTP calls behind the Studio's session: sign out and switch workspace.</summary>
public static class StudioEndpoints
{
    public static IEndpointRouteBuilder MapStudioSession(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").ExcludeFromDescription().RequireAuthorization(StudioAuthentication.Policy);
        group.MapPost("/signout", (Delegate)SignOut).DisableAntiforgery().AllowAnonymous();
        group.MapGet("/studio/workspace", SwitchWorkspace);
        return app;
    }

    // SameSite=Strict keeps other sites from signing a user out; there is nothing else a forged sign-out could do.
    public static async Task<RedirectHttpResult> SignOut(HttpContext context)
    {
        await context.SignOutAsync(StudioAuthentication.Scheme);
        return TypedResults.Redirect("/signin");
    }

    public static async Task<RedirectHttpResult> SwitchWorkspace(HttpContext context, WorkspaceService workspaces, string name, string? returnUrl,
        CancellationToken cancellationToken)
    {
        await workspaces.AuthorizeAsync(context.User, name, Loom.Contracts.Role.Reader, cancellationToken);
        StudioCookies.SetWorkspace(context, name);
        return TypedResults.Redirect(LocalOnly(returnUrl));
    }

    /// <summary>Only a path on this server is followed after a redirect, never another site.</summary>
    public static string LocalOnly(string? url)
    {
        const string home = "/experiments";
        if (string.IsNullOrEmpty(url) || url[0] != '/') return home;
        // Browsers drop tabs and newlines from addresses and read a backslash as a slash: "/<tab>/evil.example" would leave the site.
        if (url.Any(char.IsControl) || url.Contains('\\')) return home;
        return url.Length > 1 && url[1] == '/' ? home : url;
    }
}
