using Loom.Contracts;
using Loom.Core.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Loom.Server;

/// <summary>Problems for what no handler answers: unknown API routes (404), wrong methods (405) and other bare status codes.</summary>
public static class ApiProblems
{
    public static WebApplication UseApiProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (!http.Request.Path.StartsWithSegments("/api")) return;
            var status = http.Response.StatusCode;
            var code = status switch
            {
                404 => ErrorCodes.NotFound,
                405 => ErrorCodes.MethodNotAllowed,
                413 => ErrorCodes.PayloadTooLarge,
                401 => ErrorCodes.Unauthorized,
                403 => ErrorCodes.Forbidden,
                >= 500 => ErrorCodes.InternalError,
                _ => ErrorCodes.InvalidRequest,
            };
            await Problems.WriteAsync(http, code, $"{http.Request.Method} {http.Request.Path} answered {status}.", status);
        });
        return app;
    }
}
