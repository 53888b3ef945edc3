using System.Buffers;
using Loom.Contracts;
using Loom.Core.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Loom.Serving.Standalone;

/// <summary>The scoring routes of a standalone host: the server's, at the root, for its one deployment.</summary>
public sealed partial class StandaloneHost
{
    private void MapRoutes(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/score", ScoreAsync);
        routes.MapGet("/", LivenessAsync);
        routes.MapGet("/swagger.json", SwaggerAsync);
    }

    /// <summary>
    /// Scores the body as the embedded route does (same auth, limits, answers and problems), and keeps the call (refused ones included)
    /// for the server's telemetry, as the embedded route records it; it is traced and counted as there too.
    /// </summary>
    private async Task ScoreAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var started = time.GetTimestamp();
        var startedAt = time.GetUtcNow();
        var activity = instruments.Start(options.Workspace, options.Endpoint);
        byte[]? buffer = null;
        long requestBytes = 0, responseBytes = 0;
        string? error = null;
        try
        {
            var (code, refusal) = await callers.RefusalAsync(context.Request, cancellationToken);
            if (code is not null)
            {
                error = refusal;
                responseBytes = await ScoringEndpoints.WriteProblemAsync(context, code, refusal!);
                return;
            }
            (buffer, var length, var refused, var reason) = await ScoringEndpoints.ReadBodyAsync(context.Request, maxRequestBytes, cancellationToken);
            requestBytes = length;
            if (refused is not null)
            {
                error = reason;
                responseBytes = await ScoringEndpoints.WriteProblemAsync(context, refused, reason!);
                return;
            }
            if (OtherDeployment(context) is { } other)
            {
                error = other;
                responseBytes = await ScoringEndpoints.WriteProblemAsync(context, ErrorCodes.DeploymentNotFound, other);
                return;
            }
            context.Response.Headers[ScoringHeaders.Deployment] = options.Deployment;
            var result = await host.ScoreAsync(RemoteDeployment.WorkspaceId, options.Endpoint, options.Deployment, buffer!.AsMemory(0, length),
                cancellationToken);
            (responseBytes, error) = await ScoringEndpoints.WriteResultAsync(context, result);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller left; answered as nginx records it.
            error = "The caller closed the connection before the answer.";
            context.Response.StatusCode = 499;
        }
        catch (Exception e)
        {
            StandaloneLog.ScoringThrew(app.Logger, Name, e);
            error = "An unexpected error occurred; it has been logged.";
            responseBytes = await ScoringEndpoints.WriteProblemAsync(context, ErrorCodes.InternalError, error);
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
            var elapsed = time.GetElapsedTime(started);
            telemetry.Record(new EndpointRequestDto(startedAt, options.Deployment, Math.Round(elapsed.TotalMilliseconds, 3), context.Response.StatusCode,
                requestBytes, responseBytes, EndpointTelemetryIntake.Clip(error)));
            instruments.Stop(activity, new ScoringCall(options.Workspace, options.Endpoint, options.Deployment, context.Response.StatusCode, elapsed, error));
        }
    }

    /// <summary>
    /// Liveness and readiness: 200 <c>Healthy</c> once the deployment is proven, 503 before. Unlike the server's route it asks for no
    /// key, so that a load balancer's probe can call it (as Azure ML's inference server allows); it tells nothing but the state.
    /// </summary>
    private async Task LivenessAsync(HttpContext context)
    {
        var runtime = host.Runtime(RemoteDeployment.WorkspaceId, options.Endpoint, options.Deployment);
        var health = new DeploymentHealthDto(runtime is null ? "Unavailable" : "Serving", 100, runtime is not null, runtime?.Generation,
            runtime?.Replicas ?? 0, runtime?.Workers ?? 0, runtime?.BusyWorkers ?? 0, runtime?.Queued ?? 0);
        context.Response.StatusCode = runtime is null ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        await context.Response.WriteAsJsonAsync(
            new EndpointHealthDto(runtime is null ? "Unhealthy" : "Healthy", new Dictionary<string, DeploymentHealthDto> { [options.Deployment] = health }),
            LoomJson.Options, context.RequestAborted);
    }

    /// <summary>The deployment's input/output schema document, to callers the endpoint accepts.</summary>
    private async Task SwaggerAsync(HttpContext context)
    {
        var (code, refusal) = await callers.RefusalAsync(context.Request, context.RequestAborted);
        if (code is not null)
        {
            await ScoringEndpoints.WriteProblemAsync(context, code, refusal!);
            return;
        }
        if (OtherDeployment(context) is { } other)
        {
            await ScoringEndpoints.WriteProblemAsync(context, ErrorCodes.DeploymentNotFound, other);
            return;
        }
        if (host.Runtime(RemoteDeployment.WorkspaceId, options.Endpoint, options.Deployment) is null)
        {
            await ScoringEndpoints.WriteProblemAsync(context, ErrorCodes.DeploymentNotReady, $"Deployment '{Name}' does not serve yet.");
            return;
        }
        if (host.Swagger(RemoteDeployment.WorkspaceId, options.Endpoint, options.Deployment) is not { } swagger)
        {
            await ScoringEndpoints.WriteProblemAsync(context, ErrorCodes.NotFound,
                $"Deployment '{options.Deployment}' has no schema: its entry script declares none with @input_schema.");
            return;
        }
        var document = System.Text.Encoding.UTF8.GetBytes(swagger);
        context.Response.Headers[ScoringHeaders.Deployment] = options.Deployment;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = document.Length;
        await context.Response.Body.WriteAsync(document, context.RequestAborted);
    }

    /// <summary>Why a call pinned to another deployment cannot be answered here, or null.</summary>
    private string? OtherDeployment(HttpContext context)
    {
        string? pinned = context.Request.Headers[ScoringHeaders.Deployment];
        return string.IsNullOrEmpty(pinned) || pinned == options.Deployment
            ? null
            : $"This host serves deployment '{options.Deployment}' of endpoint '{options.Endpoint}' only, not '{pinned}'.";
    }
}
