using System.Buffers;
using System.Text;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loom.Core.Serving;

/// <summary>
/// The data plane: authenticates a scoring call by endpoint key or Loom token, picks a deployment (the pinned one, else by traffic
/// weight among those that serve), hands the raw body to the host and writes its answer, or a problem. Every call to <c>/score</c> of an
/// existing endpoint is recorded as telemetry, refused ones included, and traced and counted by <see cref="ScoringInstruments"/>.
/// </summary>
public sealed class ScoringService(EndpointDirectory directory, EndpointTelemetry telemetry, ScoringInstruments instruments, IOptions<EndpointOptions> options,
    TimeProvider time, ILogger<ScoringService> logger, IDeploymentHost? host = null, IDeploymentSchemas? schemas = null)
{
    // The host that scores a deployment knows its schema best; a separate registration serves hosts that do not.
    private readonly IDeploymentSchemas? _schemas = host as IDeploymentSchemas ?? schemas;

    /// <summary>Scores the request's body on one of the endpoint's deployments.</summary>
    public async Task ScoreAsync(HttpContext context, string workspace, string endpoint)
    {
        var started = time.GetTimestamp();
        var startedMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var activity = instruments.Start(workspace, endpoint);
        var cancellationToken = context.RequestAborted;
        ScoringTarget? target = null;
        string? deployment = null;
        string? error = null;
        long requestBytes = 0, responseBytes = 0;
        byte[]? buffer = null;
        try
        {
            target = await directory.FindAsync(workspace, endpoint, cancellationToken);
            if (target is null)
            {
                responseBytes = await ProblemAsync(context, ErrorCodes.EndpointNotFound, $"Endpoint '{endpoint}' does not exist in workspace '{workspace}'.");
                return;
            }
            if (Refusal(context, target) is { } refusal)
            {
                error = refusal;
                responseBytes = await ProblemAsync(context, ErrorCodes.Unauthorized, refusal);
                return;
            }
            (buffer, var length, var refused, var reason) = await ScoringEndpoints.ReadBodyAsync(context.Request, options.Value.MaxRequestBytes,
                cancellationToken);
            requestBytes = length;
            if (refused is not null)
            {
                error = reason;
                responseBytes = await ProblemAsync(context, refused, reason!);
                return;
            }
            (deployment, var code, var detail) = Pick(context, target);
            if (code is not null)
            {
                error = detail;
                responseBytes = await ProblemAsync(context, code, detail!);
                return;
            }
            context.Response.Headers[ScoringHeaders.Deployment] = deployment;
            var result = await host!.ScoreAsync(target.WorkspaceId, target.Endpoint, deployment!, buffer!.AsMemory(0, length), cancellationToken);
            (responseBytes, error) = await ScoringEndpoints.WriteResultAsync(context, result);
        }
        catch (LoomException e)
        {
            error = e.Message;
            responseBytes = await ProblemAsync(context, e.Code, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller left; recorded as nginx records it.
            error = "The caller closed the connection before the answer.";
            context.Response.StatusCode = 499;
        }
        catch (Exception e)
        {
            ServingLog.ScoringThrew(logger, workspace, endpoint, e);
            error = "An unexpected error occurred; it has been logged.";
            responseBytes = await ProblemAsync(context, ErrorCodes.InternalError, error);
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
            var elapsed = time.GetElapsedTime(started);
            if (target is not null)
                telemetry.Record(new EndpointRequestRecord(target.WorkspaceId, target.EndpointId, deployment, startedMs,
                    Math.Round(elapsed.TotalMilliseconds, 3), context.Response.StatusCode, requestBytes, responseBytes, EndpointTelemetryIntake.Clip(error)));
            instruments.Stop(activity, new ScoringCall(workspace, endpoint, deployment, context.Response.StatusCode, elapsed, error));
        }
    }

    /// <summary>The endpoint a liveness or swagger call addresses, once the caller passed its auth; null after answering the problem.</summary>
    private async Task<ScoringTarget?> AdmitAsync(HttpContext context, string workspace, string endpoint)
    {
        var target = await directory.FindAsync(workspace, endpoint, context.RequestAborted);
        if (target is null)
        {
            await ProblemAsync(context, ErrorCodes.EndpointNotFound, $"Endpoint '{endpoint}' does not exist in workspace '{workspace}'.");
            return null;
        }
        if (Refusal(context, target) is { } refusal)
        {
            await ProblemAsync(context, ErrorCodes.Unauthorized, refusal);
            return null;
        }
        return target;
    }

    /// <summary>Liveness and readiness: 200 <c>Healthy</c> when a deployment serves, else 503, with what each deployment runs.</summary>
    public async Task LivenessAsync(HttpContext context, string workspace, string endpoint)
    {
        try
        {
            if (await AdmitAsync(context, workspace, endpoint) is not { } target) return;
            var deployments = target.Deployments.ToDictionary(d => d, d =>
            {
                var runtime = host?.Runtime(target.WorkspaceId, target.Endpoint, d);
                return new DeploymentHealthDto(runtime is null ? "Unavailable" : "Serving", target.Traffic.GetValueOrDefault(d), runtime is not null,
                    runtime?.Generation, runtime?.Replicas ?? 0, runtime?.Workers ?? 0, runtime?.BusyWorkers ?? 0, runtime?.Queued ?? 0);
            }, StringComparer.Ordinal);
            var healthy = deployments.Values.Any(d => d.Serving);
            context.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsJsonAsync(new EndpointHealthDto(healthy ? "Healthy" : "Unhealthy", deployments), LoomJson.Options,
                context.RequestAborted);
        }
        catch (LoomException e)
        {
            await ProblemAsync(context, e.Code, e.Message);
        }
    }

    /// <summary>The input/output schema document of the deployment that would answer (the pinned one, else the heaviest serving).</summary>
    public async Task SwaggerAsync(HttpContext context, string workspace, string endpoint)
    {
        try
        {
            if (await AdmitAsync(context, workspace, endpoint) is not { } target) return;
            string? pinned = context.Request.Headers[ScoringHeaders.Deployment];
            var deployment = !string.IsNullOrEmpty(pinned)
                ? target.Deployments.FirstOrDefault(d => d == pinned)
                : target.Traffic.Where(t => t.Value > 0 && host?.Runtime(target.WorkspaceId, target.Endpoint, t.Key) is not null)
                    .OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key).FirstOrDefault();
            if (deployment is null)
            {
                await ProblemAsync(context, string.IsNullOrEmpty(pinned) ? ErrorCodes.DeploymentNotReady : ErrorCodes.DeploymentNotFound,
                    string.IsNullOrEmpty(pinned) ? $"No deployment of endpoint '{endpoint}' serves traffic." : $"Endpoint '{endpoint}' has no deployment '{pinned}'.");
                return;
            }
            if (_schemas?.Swagger(target.WorkspaceId, target.Endpoint, deployment) is not { } swagger)
            {
                await ProblemAsync(context, ErrorCodes.NotFound,
                    $"Deployment '{deployment}' has no schema: its entry script declares none with @input_schema, or it does not serve.");
                return;
            }
            var document = Encoding.UTF8.GetBytes(swagger);
            context.Response.Headers[ScoringHeaders.Deployment] = deployment;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = document.Length;
            await context.Response.Body.WriteAsync(document, context.RequestAborted);
        }
        catch (LoomException e)
        {
            await ProblemAsync(context, e.Code, e.Message);
        }
    }

    /// <summary>
    /// The schema document (<c>swagger.json</c>) a deployment serves now, as <c>GET /endpoints/{ws}/{name}/swagger.json</c> pinned to it
    /// answers; null when its script declares none or it does not serve. For callers that already checked the user may read the endpoint.
    /// </summary>
    public string? Swagger(long workspaceId, string endpoint, string deployment) => _schemas?.Swagger(workspaceId, endpoint, deployment);

    /// <summary>Why the caller may not call the endpoint, or null when it may.</summary>
    private static string? Refusal(HttpContext context, ScoringTarget target)
    {
        if (target.AuthMode == EndpointAuthModes.Token)
        {
            var user = context.User;
            if (user.Identity?.IsAuthenticated != true)
                return "This endpoint takes a Loom token: send 'Authorization: Bearer <token>' with a token that has a role in the workspace.";
            return user.RoleIn(target.Workspace) is null ? $"Your token has no role in workspace '{target.Workspace}'." : null;
        }
        return ScoringEndpoints.KeyRefusal(context.Request, target);
    }

    /// <summary>The pinned deployment, else a weighted pick among those that serve; or the problem that says why there is none.</summary>
    private (string? Deployment, string? Code, string? Detail) Pick(HttpContext context, ScoringTarget target)
    {
        string? pinned = context.Request.Headers[ScoringHeaders.Deployment];
        if (!string.IsNullOrEmpty(pinned))
            return target.Deployments.Contains(pinned, StringComparer.Ordinal)
                ? host is null ? (pinned, ErrorCodes.DeploymentNotReady, $"Deployment '{pinned}' does not serve: this server runs no deployment host.") : (pinned, null, null)
                : (null, ErrorCodes.DeploymentNotFound, $"Endpoint '{target.Endpoint}' has no deployment '{pinned}' (it has {Names(target.Deployments)}).");
        var picked = host is null ? null
            : TrafficRules.Pick(target.Traffic, d => host.Runtime(target.WorkspaceId, target.Endpoint, d) is not null, Random.Shared.NextDouble());
        if (picked is not null) return (picked, null, null);
        var detail = target.Traffic.Values.Any(w => w > 0)
            ? $"No deployment of endpoint '{target.Endpoint}' that takes traffic serves now; see loom deployment list --endpoint {target.Endpoint}."
            : $"Endpoint '{target.Endpoint}' sends no traffic to any deployment ({Names(target.Deployments)}): set it with " +
              $"loom endpoint update {target.Endpoint} --traffic NAME=100, or pin one with the '{ScoringHeaders.Deployment}' header.";
        return (null, ErrorCodes.DeploymentNotReady, detail);
    }

    private static string Names(IReadOnlyList<string> deployments) => deployments.Count == 0 ? "none" : string.Join(", ", deployments);

    private static Task<long> ProblemAsync(HttpContext context, string code, string detail) => ScoringEndpoints.WriteProblemAsync(context, code, detail);
}
