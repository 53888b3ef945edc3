using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Execution;
using Loom.Core.Registry;
using Loom.Core.Snapshots;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Loom.Studio.Session;

/// <summary>
/// Files a browser fetches from the Studio with its session cookie (the REST API wants a bearer token, which the
/// browser never holds): a run's artifacts, logs and snapshot, and a model version's zip. Each call checks the user's role in the workspace named
/// in the address and streams the file through the same services as the REST API.
/// </summary>
public static class StudioDownloads
{
    private const string Prefix = "/studio/download";
    private const int LogChunkBytes = 1 << 20;

    public static IEndpointRouteBuilder MapStudioDownloads(this IEndpointRouteBuilder app)
    {
        var run = app.MapGroup(Prefix + "/{ws}/runs/{runId}").ExcludeFromDescription().RequireAuthorization(StudioAuthentication.Policy);
        run.MapGet("/artifacts/{**path}", DownloadArtifact);
        run.MapGet("/logs/{**file}", DownloadLog);
        run.MapGet("/snapshot.zip", DownloadSnapshotZip);
        run.MapGet("/snapshot/{**path}", DownloadSnapshotFile);
        app.MapGet(Prefix + "/{ws}/models/{name}/versions/{version}/zip", DownloadModelZip)
            .ExcludeFromDescription().RequireAuthorization(StudioAuthentication.Policy);
        return app;
    }

    /// <summary>The zip of a model version's files, the same as the REST API's <c>.../models/{name}/versions/{version}/zip</c>.</summary>
    public static string ModelZipUrl(string workspace, string name, int version) =>
        $"{Prefix}/{Uri.EscapeDataString(workspace)}/models/{Uri.EscapeDataString(name)}/versions/{version}/zip";

    public static string ArtifactUrl(string workspace, string runId, string path) => $"{RunUrl(workspace, runId)}/artifacts/{EscapePath(path)}";
    public static string LogUrl(string workspace, string runId, string file) => $"{RunUrl(workspace, runId)}/logs/{EscapePath(file)}";
    public static string SnapshotZipUrl(string workspace, string runId) => $"{RunUrl(workspace, runId)}/snapshot.zip";
    public static string SnapshotFileUrl(string workspace, string runId, string path) => $"{RunUrl(workspace, runId)}/snapshot/{EscapePath(path)}";

    public static async Task<FileStreamHttpResult> DownloadArtifact(HttpContext context, string ws, string runId, string path,
        WorkspaceService workspaces, ArtifactService artifacts, CancellationToken cancellationToken)
    {
        var scope = await workspaces.AuthorizeAsync(context.User, ws, Role.Reader, cancellationToken);
        var (artifact, content) = await artifacts.OpenAsync(scope.Id, runId, CatchAllPath.Decode(path), cancellationToken);
        Harden(context);
        return TypedResults.Stream(content, artifact.ContentType ?? "application/octet-stream", Path.GetFileName(artifact.Path), enableRangeProcessing: true);
    }

    public static async Task<PushStreamHttpResult> DownloadLog(HttpContext context, string ws, string runId, string file,
        WorkspaceService workspaces, LogService logs, CancellationToken cancellationToken)
    {
        var scope = await workspaces.AuthorizeAsync(context.User, ws, Role.Reader, cancellationToken);
        file = CatchAllPath.Decode(file);
        // Asked before the response starts, so an unknown log is still a 404 problem; the length read now is what is sent.
        var (_, length) = await logs.ReadAsync(scope.Id, runId, file, 0, 0, cancellationToken);
        Harden(context);
        return TypedResults.Stream(async body =>
        {
            for (long offset = 0; offset < length;)
            {
                var (data, _) = await logs.ReadAsync(scope.Id, runId, file, offset, Math.Min(LogChunkBytes, length - offset), cancellationToken);
                if (data.Length == 0) break;
                await body.WriteAsync(data, cancellationToken);
                offset += data.Length;
            }
        }, "text/plain; charset=utf-8", Path.GetFileName(file));
    }

    public static async Task<PushStreamHttpResult> DownloadSnapshotZip(HttpContext context, string ws, string runId,
        WorkspaceService workspaces, RunService runs, SnapshotService snapshots, CancellationToken cancellationToken)
    {
        var scope = await workspaces.AuthorizeAsync(context.User, ws, Role.Reader, cancellationToken);
        var snapshotId = await SnapshotOfAsync(runs, scope.Id, runId, cancellationToken);
        var entries = await snapshots.EntriesAsync(scope.Id, snapshotId, cancellationToken);
        return TypedResults.Stream(body => snapshots.WriteZipAsync(entries, body, cancellationToken), "application/zip", $"{runId}-snapshot.zip");
    }

    public static async Task<FileStreamHttpResult> DownloadSnapshotFile(HttpContext context, string ws, string runId, string path,
        WorkspaceService workspaces, RunService runs, SnapshotService snapshots, CancellationToken cancellationToken)
    {
        var scope = await workspaces.AuthorizeAsync(context.User, ws, Role.Reader, cancellationToken);
        var snapshotId = await SnapshotOfAsync(runs, scope.Id, runId, cancellationToken);
        var (entry, content) = await snapshots.OpenFileAsync(scope.Id, snapshotId, CatchAllPath.Decode(path), cancellationToken);
        Harden(context);
        return TypedResults.Stream(content, ArtifactService.GuessContentType(entry.Path), Path.GetFileName(entry.Path), enableRangeProcessing: true);
    }

    /// <summary>The snapshot a run was submitted with; a run logged from a notebook has none.</summary>
    public static async Task<string> SnapshotOfAsync(RunService runs, long workspaceId, string runId, CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(workspaceId, runId, cancellationToken);
        return run.Properties.GetValueOrDefault(SubmissionService.SnapshotProperty)
            ?? throw new LoomException(ErrorCodes.SnapshotNotFound, $"Run '{runId}' has no code snapshot: only submitted runs keep one.");
    }

    public static async Task<PushStreamHttpResult> DownloadModelZip(HttpContext context, string ws, string name, string version,
        WorkspaceService workspaces, ModelService models, CancellationToken cancellationToken)
    {
        var scope = await workspaces.AuthorizeAsync(context.User, ws, Role.Reader, cancellationToken);
        // Resolved before streaming starts so an unknown model is still a 404 problem.
        var model = await models.GetAsync(scope.Id, name, version, cancellationToken);
        return TypedResults.Stream(body => models.WriteZipAsync(model.Files, body, cancellationToken), "application/zip", $"{model.Name}-{model.Version}.zip");
    }

    // Runs write these files, so they are not trusted as pages of the Studio's origin: never sniffed, never run as a document.
    private static void Harden(HttpContext context)
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";
    }

    private static string RunUrl(string workspace, string runId) => $"{Prefix}/{Uri.EscapeDataString(workspace)}/runs/{Uri.EscapeDataString(runId)}";

    private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
