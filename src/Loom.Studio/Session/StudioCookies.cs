using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Http;

namespace Loom.Studio.Session;

/// <summary>The workspace a browser has chosen lives in a plain cookie: it is a preference, not a credential.</summary>
public static class StudioCookies
{
    public const string WorkspaceCookie = "loom_ws";

    public static string Workspace(HttpContext context) =>
        context.Request.Cookies.TryGetValue(WorkspaceCookie, out var name) && !string.IsNullOrWhiteSpace(name) ? name : WorkspaceService.DefaultName;

    public static void SetWorkspace(HttpContext context, string name) =>
        context.Response.Cookies.Append(WorkspaceCookie, name, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(365),
        });
}
