using Loom.Contracts;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Loom.Core.Snapshots;

public static class SnapshotEndpoints
{
    public static IEndpointRouteBuilder MapSnapshotEndpoints(this IEndpointRouteBuilder app)
    {
        var snapshots = app.MapGroup("/api/v1/workspaces/{ws}/snapshots").WithTags("Snapshots");
        snapshots.MapPost("/missing", FindMissingBlobs).WithName("FindMissingBlobs");
        snapshots.MapPost("", CreateSnapshot).WithName("CreateSnapshot");
        snapshots.MapGet("/{id}", GetSnapshot).WithName("GetSnapshot");
        snapshots.MapGet("/{id}/zip", DownloadSnapshotZip).WithName("DownloadSnapshotZip");
        snapshots.MapGet("/{id}/files/{**path}", DownloadSnapshotFile).WithName("DownloadSnapshotFile");
        var blobs = app.MapGroup("/api/v1/workspaces/{ws}/blobs").WithTags("Snapshots");
        blobs.MapPut("/{sha256}", UploadBlob).WithName("UploadBlob").WithMetadata(new DisableRequestSizeLimitAttribute());
        blobs.MapPost("", UploadBlobBatch).WithName("UploadBlobBatch").WithMetadata(new DisableRequestSizeLimitAttribute());
        return app;
    }

    public static async Task<Ok<MissingBlobsDto>> FindMissingBlobs(WorkspaceScope scope, MissingBlobsRequest request,
        SnapshotService snapshots, CancellationToken cancellationToken) =>
        TypedResults.Ok(new MissingBlobsDto(await snapshots.MissingAsync(request.Sha256, cancellationToken)));

    public static async Task<Created<BlobDto>> UploadBlob(WorkspaceScope scope, string sha256, HttpRequest request,
        SnapshotService snapshots, CancellationToken cancellationToken)
    {
        var blob = await snapshots.PutBlobAsync(sha256, request.Body, cancellationToken);
        return TypedResults.Created($"/api/v1/workspaces/{scope.Name}/blobs/{blob.Sha256}", blob);
    }

    /// <summary>Many small blobs in one request: frames of digest, length and bytes (see <c>docs/rest-api.md</c>).</summary>
    public static async Task<Ok<ListResult<BlobDto>>> UploadBlobBatch(WorkspaceScope scope, HttpRequest request, SnapshotService snapshots,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<BlobDto>(await snapshots.PutBlobBatchAsync(request.Body, cancellationToken)));

    public static async Task<Created<SnapshotCreatedDto>> CreateSnapshot(WorkspaceScope scope, CreateSnapshotRequest request,
        SnapshotService snapshots, CancellationToken cancellationToken)
    {
        var snapshot = await snapshots.CreateAsync(scope.Id, request.Entries, cancellationToken);
        return TypedResults.Created($"/api/v1/workspaces/{scope.Name}/snapshots/{snapshot.Id}", snapshot);
    }

    /// <summary>The manifest; with <c>entries=false</c> only the counts (a cheap check that a snapshot is stored).</summary>
    public static async Task<Ok<SnapshotDto>> GetSnapshot(WorkspaceScope scope, string id, bool? entries, SnapshotService snapshots,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(entries == false
            ? await snapshots.GetSummaryAsync(scope.Id, id, cancellationToken)
            : await snapshots.GetAsync(scope.Id, id, cancellationToken));

    public static async Task<FileStreamHttpResult> DownloadSnapshotFile(WorkspaceScope scope, string id, string path,
        SnapshotService snapshots, CancellationToken cancellationToken)
    {
        var (entry, content) = await snapshots.OpenFileAsync(scope.Id, id, CatchAllPath.Decode(path), cancellationToken);
        return TypedResults.Stream(content, ArtifactService.GuessContentType(entry.Path), Path.GetFileName(entry.Path), enableRangeProcessing: true);
    }

    public static async Task<PushStreamHttpResult> DownloadSnapshotZip(WorkspaceScope scope, string id,
        SnapshotService snapshots, CancellationToken cancellationToken)
    {
        // Resolved before streaming starts so an unknown id is still a 404 problem.
        var entries = await snapshots.EntriesAsync(scope.Id, id, cancellationToken);
        return TypedResults.Stream(body => snapshots.WriteZipAsync(entries, body, cancellationToken), "application/zip", $"snapshot-{id[..12]}.zip");
    }
}
