using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Loom.Studio.Session;

/// <summary>
/// A browser's load of an address no route answers, outside the REST API, the OpenAPI document and the scoring routes, goes to
/// the Studio's "nothing here" page; programs keep their 401/404/405 problems. A middleware rather than a fallback route, so
/// that no route candidate changes how the API answers unknown paths and wrong methods.
/// </summary>
public static class StudioPageLoads
{
    private static readonly string[] NotStudio = ["api", "openapi", "endpoints"];

    public static IApplicationBuilder UseStudioNotFound(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint() is null && IsUnknownPageLoad(context.Request))
        {
            context.Response.Redirect($"/not-found?path={Uri.EscapeDataString(context.Request.Path.Value ?? "/")}");
            return;
        }
        await next(context);
    });

    public static bool IsUnknownPageLoad(HttpRequest request)
    {
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))) return false;
        if (!request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)) return false;
        var path = (request.Path.Value ?? "/").TrimStart('/');
        var first = path.Split('/', 2)[0];
        var last = path[(path.LastIndexOf('/') + 1)..];
        return !NotStudio.Contains(first, StringComparer.OrdinalIgnoreCase) && !last.Contains('.');
    }
}
