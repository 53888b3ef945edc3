using Loom.Contracts;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Loom.Core.Tracking;

public static class ArtifactEndpoints
{
    public static IEndpointRouteBuilder MapArtifacts(this IEndpointRouteBuilder app)
    {
        var artifacts = app.MapGroup("/api/v1/workspaces/{ws}/runs/{runId}/artifacts").WithTags("Artifacts");
        artifacts.MapGet("", ListArtifacts).WithName("ListArtifacts");
        artifacts.MapPut("/{**path}", UploadArtifact).WithName("UploadArtifact").WithMetadata(new DisableRequestSizeLimitAttribute());
        artifacts.MapGet("/{**path}", DownloadArtifact).WithName("DownloadArtifact");
        return app;
    }

    public static async Task<Ok<ListResult<ArtifactEntryDto>>> ListArtifacts(WorkspaceScope scope, string runId, string? prefix, bool? recursive,
        ArtifactService artifacts, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<ArtifactEntryDto>(await artifacts.ListAsync(scope.Id, runId, prefix, recursive ?? true, cancellationToken)));

    public static async Task<Created<ArtifactDto>> UploadArtifact(WorkspaceScope scope, string runId, string path, HttpRequest request,
        ArtifactService artifacts, CancellationToken cancellationToken)
    {
        // A body sent without a type (curl says form-urlencoded) gets a type guessed from its name.
        var contentType = request.ContentType is null || request.ContentType.StartsWith("application/octet-stream", StringComparison.Ordinal)
            || request.ContentType.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) ? null : request.ContentType;
        var artifact = await artifacts.PutAsync(scope.Id, runId, CatchAllPath.Decode(path), request.Body, contentType, cancellationToken);
        return TypedResults.Created($"/api/v1/workspaces/{scope.Name}/runs/{runId}/artifacts/{artifact.Path}", artifact);
    }

    public static async Task<FileStreamHttpResult> DownloadArtifact(WorkspaceScope scope, string runId, string path,
        ArtifactService artifacts, CancellationToken cancellationToken)
    {
        var (artifact, content) = await artifacts.OpenAsync(scope.Id, runId, CatchAllPath.Decode(path), cancellationToken);
        return TypedResults.Stream(content, artifact.ContentType ?? "application/octet-stream", Path.GetFileName(path), enableRangeProcessing: true);
    }
}
