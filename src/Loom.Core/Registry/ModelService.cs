using System.Globalization;
using System.Text;
using Loom.Blobs;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Snapshots;
using Loom.Core.Tracking;
using Microsoft.Extensions.Logging;

namespace Loom.Core.Registry;

/// <summary>
/// The model registry: a model version is a manifest of content-addressed files (uploaded blobs, or a run's artifacts)
/// with its metadata, so registering the same files again stores only a row.
/// </summary>
public sealed partial class ModelService(IModelStore store, IBlobStore blobs, RunService runs, IArtifactStore artifacts, SnapshotService snapshots,
    IEnumerable<IModelUsage> usages, TimeProvider time, ILogger<ModelService> logger)
{
    private const int MissingListed = 20;
    private const int UsersListed = 20;
    private const int RegularFile = 0b110_100_100; // 0644: artifacts carry no mode

    public async Task<ModelDto> RegisterAsync(long workspaceId, RegisterModelRequest request, IdempotentRequest? idempotency, CancellationToken cancellationToken)
    {
        ModelRules.CheckMetadata(request);
        var (files, runId, runPath) = request.Files is { } given
            ? (SnapshotManifest.Normalize(given), null, null)
            : await FromRunAsync(workspaceId, request.RunId!, request.Path!, cancellationToken);
        var missing = await snapshots.MissingAsync(files.Select(f => f.Sha256).ToList(), cancellationToken);
        if (missing.Count > 0)
            throw new LoomException(ErrorCodes.SnapshotIncomplete,
                $"{missing.Count} of the model's blobs are not uploaded: {string.Join(", ", missing.Take(MissingListed))}" +
                (missing.Count > MissingListed ? ", ..." : "") + ". Upload them with POST /blobs or PUT /blobs/{sha256} first.");

        var canonical = SnapshotManifest.Canonical(files);
        var manifestId = Hashes.Sha256Hex(canonical);
        var name = request.Name!;
        var version = await store.RegisterAsync(workspaceId, new NewModel(name, request.Description, request.Tags ?? [], request.Properties ?? [],
            request.Framework, request.FrameworkVersion, runId, runPath, manifestId, Encoding.UTF8.GetString(canonical), files.Count,
            files.Sum(f => f.Size), Times.Now(time)), idempotency, cancellationToken);
        LogRegistered(logger, name, version, manifestId);
        return await GetAsync(workspaceId, name, version.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    /// <summary>One version; <paramref name="version"/> is a number or <c>latest</c>.</summary>
    public async Task<ModelDto> GetAsync(long workspaceId, string name, string version, CancellationToken cancellationToken) =>
        ToDto(await FindAsync(workspaceId, name, version, cancellationToken));

    public async Task<IReadOnlyList<ModelDto>> ListVersionsAsync(long workspaceId, string name, CancellationToken cancellationToken)
    {
        Validate.Name(name, "Model");
        var records = await store.ListVersionsAsync(workspaceId, name, cancellationToken);
        return records.Count == 0 ? throw NotFound(name, null) : records.Select(ToDto).ToList();
    }

    public async Task<ListResult<ModelDto>> ListAsync(long workspaceId, ModelQuery query, CancellationToken cancellationToken)
    {
        var (models, more) = await store.ListAsync(workspaceId, query, cancellationToken);
        var next = more ? ModelQueries.Encode(models[^1].Name, models[^1].Version, query.Fingerprint) : null;
        return new ListResult<ModelDto>(models.Select(ToDto).ToList(), next);
    }

    /// <summary>Lineage: the models registered from a run.</summary>
    public async Task<IReadOnlyList<ModelDto>> ListByRunAsync(long workspaceId, string runId, CancellationToken cancellationToken)
    {
        await runs.FindAsync(workspaceId, runId, cancellationToken);
        return (await store.ListByRunAsync(workspaceId, runId, cancellationToken)).Select(ToDto).ToList();
    }

    public async Task<ModelDto> UpdateAsync(long workspaceId, string name, string version, UpdateModelRequest request, CancellationToken cancellationToken)
    {
        Validate.KeyValues(request.Tags, "Tag");
        foreach (var key in request.RemoveTags ?? []) Validate.Key(key, "Tag");
        ModelRules.CheckDescription(request.Description);
        var record = await FindAsync(workspaceId, name, version, cancellationToken);
        var description = request.Description is "" ? null : request.Description;
        if (!await store.UpdateAsync(workspaceId, record.Name, record.Version, request.Tags ?? [], request.RemoveTags ?? [], description,
                request.Description is not null, cancellationToken))
            throw NotFound(name, version);
        return await GetAsync(workspaceId, record.Name, record.Version.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    /// <summary>Deletes a version, unless something (a live deployment) uses it. Its blobs stay: other models may share them.</summary>
    public async Task DeleteAsync(long workspaceId, string name, string version, CancellationToken cancellationToken)
    {
        var record = await FindAsync(workspaceId, name, version, cancellationToken);
        var users = new List<string>();
        foreach (var usage in usages) users.AddRange(await usage.UsersOfAsync(workspaceId, record.Name, record.Version, cancellationToken));
        if (users.Count > 0)
            throw new LoomException(ErrorCodes.ModelInUse,
                $"Model {record.Name}:{record.Version} is used by {string.Join(", ", users.Take(UsersListed))}" +
                (users.Count > UsersListed ? ", ..." : "") + "; delete or update those deployments first.");
        if (!await store.DeleteAsync(workspaceId, record.Name, record.Version, cancellationToken)) throw NotFound(name, version);
        LogDeleted(logger, record.Name, record.Version);
    }

    public async Task<IReadOnlyList<SnapshotEntryDto>> FilesAsync(long workspaceId, string name, string version, CancellationToken cancellationToken) =>
        SnapshotManifest.Parse((await FindAsync(workspaceId, name, version, cancellationToken)).Manifest);

    public async Task<(SnapshotEntryDto Entry, Stream Content)> OpenFileAsync(long workspaceId, string name, string version, string path,
        CancellationToken cancellationToken)
    {
        Validate.RelativePath(path);
        var record = await FindAsync(workspaceId, name, version, cancellationToken);
        var entry = SnapshotManifest.Parse(record.Manifest).FirstOrDefault(e => e.Path == path)
            ?? throw new LoomException(ErrorCodes.NotFound, $"Model {record.Name}:{record.Version} has no file '{path}'.");
        var content = await blobs.OpenReadAsync(entry.Sha256, cancellationToken)
            ?? throw new LoomException(ErrorCodes.NotFound, $"The content of '{path}' of model {record.Name}:{record.Version} is gone from the blob store.");
        return (entry, content);
    }

    /// <summary>Writes the files as a zip (modes kept), the same way a snapshot's zip is written.</summary>
    public Task WriteZipAsync(IReadOnlyList<SnapshotEntryDto> files, Stream output, CancellationToken cancellationToken) =>
        snapshots.WriteZipAsync(files, output, cancellationToken);

    /// <summary>A run's artifact file, or every artifact under a folder, laid out under the path's last name.</summary>
    private async Task<(IReadOnlyList<SnapshotEntryDto> Files, string RunId, string RunPath)> FromRunAsync(long workspaceId, string runId, string path,
        CancellationToken cancellationToken)
    {
        var runPath = ModelRules.RunPath(path);
        var run = await runs.FindAsync(workspaceId, runId, cancellationToken);
        IReadOnlyList<ArtifactDto> found = await artifacts.FindAsync(run.Seq, runPath, cancellationToken) is { } file
            ? [file]
            : await artifacts.ListAsync(run.Seq, runPath + "/", cancellationToken);
        if (found.Count == 0)
            throw new LoomException(ErrorCodes.ArtifactNotFound, $"Run '{run.Id}' has no artifact file or folder '{runPath}'.");
        if (found.Count > ModelRules.MaxFiles)
            throw new LoomException(ErrorCodes.InvalidModel, $"A model holds at most {ModelRules.MaxFiles} files; '{runPath}' has {found.Count}.");
        var files = found.Select(a => new SnapshotEntryDto(ModelRules.ModelPath(runPath, a.Path), a.Size, RegularFile, a.Sha256)).ToList();
        return (SnapshotManifest.Normalize(files), run.Id, runPath);
    }

    private async Task<ModelRecord> FindAsync(long workspaceId, string name, string version, CancellationToken cancellationToken)
    {
        Validate.Name(name, "Model");
        var number = ModelRules.ParseVersion(version);
        return await store.GetAsync(workspaceId, name, number, cancellationToken) ?? throw NotFound(name, version);
    }

    private static ModelDto ToDto(ModelRecord r) => new(r.Name, r.Version, r.Description, r.Tags, r.Properties, r.Framework, r.FrameworkVersion,
        r.RunId, r.RunPath, SnapshotManifest.Parse(r.Manifest), r.Bytes, r.ManifestId, r.CreatedTime);

    private static LoomException NotFound(string name, string? version) =>
        LoomException.NotFound(ErrorCodes.ModelNotFound, "Model", version is null || string.Equals(version, ModelRules.Latest, StringComparison.OrdinalIgnoreCase)
            ? name : $"{name}:{version}");

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Model {Name}:{Version} registered (manifest {ManifestId})")]
    private static partial void LogRegistered(ILogger logger, string name, int version, string manifestId);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Model {Name}:{Version} deleted")]
    private static partial void LogDeleted(ILogger logger, string name, int version);
}
