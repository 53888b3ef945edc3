using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Loom.Studio.Session;

/// <summary>
/// Matches a browser's page load (a GET that accepts HTML) of an address outside the REST API, the OpenAPI document and the
/// scoring routes: their unknown addresses stay 401/404 problems for programs rather than a sign-in redirect.
/// </summary>
public sealed class StudioPathConstraint : IRouteConstraint
{
    public const string Name = "studiopath";
    private static readonly string[] NotStudio = ["api", "openapi", "endpoints"];

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        if (httpContext is { Request: var request }
            && (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || !request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)))
            return false;
        if (!values.TryGetValue(routeKey, out var value) || value is not string path) return true;
        var first = path.Split('/', 2)[0];
        return !NotStudio.Contains(first, StringComparer.OrdinalIgnoreCase);
    }
}
