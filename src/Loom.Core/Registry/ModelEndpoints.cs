using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Identity;
using Loom.Core.Snapshots;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Loom.Core.Registry;

public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/v1/workspaces/{ws}/models").WithTags("Models");
        models.MapPost("", RegisterModel).WithName("RegisterModel");
        models.MapGet("", ListModels).WithName("ListModels");
        models.MapGet("/{name}/versions", ListModelVersions).WithName("ListModelVersions");
        models.MapGet("/{name}/versions/{version}", GetModelVersion).WithName("GetModelVersion");
        models.MapPatch("/{name}/versions/{version}", UpdateModelVersion).WithName("UpdateModelVersion");
        models.MapDelete("/{name}/versions/{version}", DeleteModelVersion).WithName("DeleteModelVersion");
        models.MapGet("/{name}/versions/{version}/files", ListModelFiles).WithName("ListModelFiles");
        models.MapGet("/{name}/versions/{version}/files/{**path}", DownloadModelFile).WithName("DownloadModelFile");
        models.MapGet("/{name}/versions/{version}/zip", DownloadModelZip).WithName("DownloadModelZip");
        app.MapGet("/api/v1/workspaces/{ws}/runs/{runId}/models", ListRunModels).WithName("ListRunModels").WithTags("Models");
        return app;
    }

    /// <summary>Registers the next version from uploaded blobs or from a run's artifacts.</summary>
    public static async Task<Created<ModelDto>> RegisterModel(WorkspaceScope scope, RegisterModelRequest request, HttpRequest http,
        ModelService models, RunService runs, CancellationToken cancellationToken)
    {
        // A run token reads only its own run's artifacts (and those of the runs below it), so it registers only from them.
        if (http.HttpContext.User.ScopedRun() is { } scoped && request.RunId is { } source
            && !await runs.IsWithinAsync(scope.Id, scoped, source, cancellationToken))
            throw new LoomException(ErrorCodes.Forbidden, $"A run token registers models only from run '{scoped}' or the runs below it.");
        var model = await models.RegisterAsync(scope.Id, request, Idempotency.From(http, request), cancellationToken);
        return TypedResults.Created($"/api/v1/workspaces/{scope.Name}/models/{model.Name}/versions/{model.Version}", model);
    }

    /// <summary>The latest matching version of each name (every matching version with <c>allVersions=true</c>), by name.</summary>
    public static async Task<Ok<ListResult<ModelDto>>> ListModels(WorkspaceScope scope, string? name, [FromQuery] string[]? tag, bool? allVersions,
        int? pageSize, string? pageToken, ModelService models, CancellationToken cancellationToken) =>
        TypedResults.Ok(await models.ListAsync(scope.Id, ModelQueries.Parse(name, tag, allVersions ?? false, pageSize, pageToken), cancellationToken));

    public static async Task<Ok<ListResult<ModelDto>>> ListModelVersions(WorkspaceScope scope, string name, ModelService models,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<ModelDto>(await models.ListVersionsAsync(scope.Id, name, cancellationToken)));

    /// <summary>One version; <c>{version}</c> is a number or <c>latest</c>.</summary>
    public static async Task<Ok<ModelDto>> GetModelVersion(WorkspaceScope scope, string name, string version, ModelService models,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await models.GetAsync(scope.Id, name, version, cancellationToken));

    /// <summary>Merges tags, removes <c>removeTags</c>, sets the description.</summary>
    public static async Task<Ok<ModelDto>> UpdateModelVersion(WorkspaceScope scope, string name, string version, UpdateModelRequest request,
        ModelService models, CancellationToken cancellationToken) =>
        TypedResults.Ok(await models.UpdateAsync(scope.Id, name, version, request, cancellationToken));

    /// <summary>Deletes a version; <c>409 model_in_use</c> names the deployments that use it.</summary>
    public static async Task<NoContent> DeleteModelVersion(WorkspaceScope scope, string name, string version, ModelService models,
        CancellationToken cancellationToken)
    {
        await models.DeleteAsync(scope.Id, name, version, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The manifest: every file with its size, mode and SHA-256, by path.</summary>
    public static async Task<Ok<ListResult<SnapshotEntryDto>>> ListModelFiles(WorkspaceScope scope, string name, string version, ModelService models,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<SnapshotEntryDto>(await models.FilesAsync(scope.Id, name, version, cancellationToken)));

    public static async Task<FileStreamHttpResult> DownloadModelFile(WorkspaceScope scope, string name, string version, string path,
        ModelService models, CancellationToken cancellationToken)
    {
        var (entry, content) = await models.OpenFileAsync(scope.Id, name, version, CatchAllPath.Decode(path), cancellationToken);
        return TypedResults.Stream(content, ArtifactService.GuessContentType(entry.Path), Path.GetFileName(entry.Path), enableRangeProcessing: true);
    }

    public static async Task<PushStreamHttpResult> DownloadModelZip(WorkspaceScope scope, string name, string version, ModelService models,
        CancellationToken cancellationToken)
    {
        // Resolved before streaming starts so an unknown model is still a 404 problem.
        var model = await models.GetAsync(scope.Id, name, version, cancellationToken);
        return TypedResults.Stream(body => models.WriteZipAsync(model.Files, body, cancellationToken), "application/zip", $"{model.Name}-{model.Version}.zip");
    }

    /// <summary>Lineage: the model versions registered from a run.</summary>
    public static async Task<Ok<ListResult<ModelDto>>> ListRunModels(WorkspaceScope scope, string runId, ModelService models,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<ModelDto>(await models.ListByRunAsync(scope.Id, runId, cancellationToken)));
}
