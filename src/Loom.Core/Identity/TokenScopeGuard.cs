using Loom.Contracts;
using Loom.Core.Hosting;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Core.Identity;

/// <summary>
/// Narrows agent and run tokens to what they are for, after routing and before the handler: an agent token reaches
/// its own agent's calls and reads snapshots; a run token reaches its run and the run's descendants (and creates
/// children, which <see cref="RunEndpoints"/> checks against the parent), uploads blobs, registers models and
/// reads them. An agent's own calls take its token only.
/// </summary>
public static class TokenScopeGuard
{
    private const string AgentRoutes = "/api/v1/agents/{id}";
    private const string SnapshotRoutes = "/api/v1/workspaces/{ws}/snapshots/{id}";
    private const string RunsRoute = "/api/v1/workspaces/{ws}/runs";
    private const string RunRoutes = "/api/v1/workspaces/{ws}/runs/{runId}";
    private const string BlobsRoute = "/api/v1/workspaces/{ws}/blobs";
    private const string BlobRoutes = "/api/v1/workspaces/{ws}/blobs/{sha256}";
    private const string MissingBlobsRoute = "/api/v1/workspaces/{ws}/snapshots/missing";
    private const string ModelsRoute = "/api/v1/workspaces/{ws}/models";

    public static IApplicationBuilder UseTokenScopes(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var kind = context.User.TokenKind();
        if (kind == TokenKinds.User && context.User.Identity?.IsAuthenticated == true && IsAgentCall(context))
        {
            await Problems.WriteAsync(context, ErrorCodes.Forbidden, "An agent's calls need that agent's own token (the one its registration returned).");
            return;
        }
        if (kind != TokenKinds.User && context.User.Identity?.IsAuthenticated == true && !await AllowedAsync(context, kind))
        {
            await Problems.WriteAsync(context, ErrorCodes.Forbidden, kind == TokenKinds.Agent
                ? "An agent token only serves its own agent's calls and snapshot reads."
                : "A run token only serves its own run and the runs below it.");
            return;
        }
        await next(context);
    });

    private static async ValueTask<bool> AllowedAsync(HttpContext context, string kind)
    {
        var pattern = ((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "").TrimEnd('/');
        var subject = context.User.FindFirst(LoomClaims.Subject)?.Value ?? "";
        if (kind == TokenKinds.Agent)
            return (Starts(pattern, AgentRoutes) && context.Request.RouteValues["id"] as string == subject)
                || (HttpMethods.IsGet(context.Request.Method) && Starts(pattern, SnapshotRoutes));
        if (kind != TokenKinds.Run) return false;
        if (pattern == RunsRoute) return HttpMethods.IsPost(context.Request.Method);
        // Training scripts register models (Run.register_model, Model.register) and read them back: uploading
        // content-addressed blobs and registering are allowed; a model's source run is checked by the registry.
        if (pattern is BlobsRoute or MissingBlobsRoute || Starts(pattern, BlobRoutes)) return true;
        if (Starts(pattern, ModelsRoute)) return HttpMethods.IsGet(context.Request.Method) || (pattern == ModelsRoute && HttpMethods.IsPost(context.Request.Method));
        if (!Starts(pattern, RunRoutes) || context.Request.RouteValues["runId"] is not string runId) return false;
        if (runId == subject) return true;
        var services = context.RequestServices;
        var workspace = await services.GetRequiredService<WorkspaceService>().ResolveAsync(context.Request.RouteValues["ws"] as string, context.RequestAborted);
        return await services.GetRequiredService<RunService>().IsWithinAsync(workspace.Id, subject, runId, context.RequestAborted);
    }

    private static bool IsAgentCall(HttpContext context) =>
        Starts(((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "").TrimEnd('/'), AgentRoutes);

    private static bool Starts(string pattern, string prefix) =>
        pattern.StartsWith(prefix, StringComparison.Ordinal) && (pattern.Length == prefix.Length || pattern[prefix.Length] == '/');
}
