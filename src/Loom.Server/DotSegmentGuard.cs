using Loom.Contracts;
using Loom.Core.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;

namespace Loom.Server;

/// <summary>
/// Kestrel resolves <c>.</c> and <c>..</c> segments before routing, so <c>artifacts/a/../../x</c> would
/// quietly address something else. API calls whose raw target holds such a segment (plain or
/// percent-encoded) are refused instead.
/// </summary>
public static class DotSegmentGuard
{
    public static WebApplication UseDotSegmentGuard(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
            var query = raw.IndexOf('?');
            var path = query < 0 ? raw : raw[..query];
            if (context.Request.Path.StartsWithSegments("/api") && path.Split('/').Select(Uri.UnescapeDataString).Any(s => s is "." or ".."))
            {
                await Problems.WriteAsync(context, ErrorCodes.InvalidPath, $"The path '{path}' holds a '.' or '..' segment; Loom does not resolve them.");
                return;
            }
            await next(context);
        });
        return app;
    }
}
