using System.Security.Claims;
using System.Text;
using Loom.Contracts;
using Loom.Core.Serving;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Http;

namespace Loom.Studio.Components.Pages.Endpoints;

/// <summary>What a test request got back: the status, the deployment that answered, the body (cut at <see cref="EndpointTestCall.MaxShownBytes"/>) and the time taken.</summary>
public sealed record EndpointTestResult(int Status, string? Deployment, string? ContentType, string Body, bool Truncated, TimeSpan Latency)
{
    public bool Succeeded => Status is >= 200 and < 300;
}

/// <summary>
/// Sends a test request from the Studio through <see cref="ScoringService"/>, in process: the same path a call to the scoring URI takes
/// (auth, deployment pick, body limits, the host, telemetry), with the signed-in user's authority. A key-mode endpoint is called with its
/// primary key, which the caller may read (a Contributor); a token-mode endpoint with the user's own identity.
/// </summary>
public static class EndpointTestCall
{
    public const int MaxShownBytes = 256 * 1024;

    public static async Task<EndpointTestResult> SendAsync(ScoringService scoring, EndpointService endpoints, ClaimsPrincipal user, WorkspaceScope workspace,
        EndpointDto endpoint, string body, string? deployment, TimeProvider time, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var context = new DefaultHttpContext { User = user, RequestAborted = cancellationToken };
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = new Uri(endpoint.ScoringUri).AbsolutePath;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = bytes.Length;
        context.Request.Body = new MemoryStream(bytes);
        if (endpoint.AuthMode == EndpointAuthModes.Key)
            context.Request.Headers.Authorization = "Bearer " + (await endpoints.GetKeysAsync(workspace.Workspace, endpoint.Name, cancellationToken)).PrimaryKey;
        if (!string.IsNullOrEmpty(deployment)) context.Request.Headers[ScoringHeaders.Deployment] = deployment;
        using var response = new MemoryStream();
        context.Response.Body = response;

        var started = time.GetTimestamp();
        await scoring.ScoreAsync(context, workspace.Name, endpoint.Name);
        var latency = time.GetElapsedTime(started);

        var length = (int)Math.Min(response.Length, MaxShownBytes);
        var text = Encoding.UTF8.GetString(response.GetBuffer(), 0, length);
        string? answeredBy = context.Response.Headers[ScoringHeaders.Deployment];
        return new EndpointTestResult(context.Response.StatusCode, string.IsNullOrEmpty(answeredBy) ? null : answeredBy, context.Response.ContentType,
            text, response.Length > MaxShownBytes, latency);
    }
}
