using Loom.Blobs;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Tracking;

/// <summary>Run artifacts: bytes go to the content-addressed blob store, paths to the metadata store.</summary>
public sealed class ArtifactService(IArtifactStore store, IBlobStore blobs, RunService runs, TimeProvider time)
{
    public async Task<ArtifactDto> PutAsync(long workspaceId, string runId, string path, Stream content, string? contentType, CancellationToken cancellationToken)
    {
        Validate.RelativePath(path);
        var run = await runs.FindAsync(workspaceId, runId, cancellationToken);
        var blob = await blobs.PutAsync(content, null, cancellationToken);
        var artifact = new ArtifactDto(path, blob.Size, blob.Sha256, contentType ?? GuessContentType(path), Times.Now(time));
        await store.UpsertAsync(run.Seq, artifact, cancellationToken);
        return artifact;
    }

    public async Task<(ArtifactDto Artifact, Stream Content)> OpenAsync(long workspaceId, string runId, string path, CancellationToken cancellationToken)
    {
        Validate.RelativePath(path);
        var run = await runs.FindAsync(workspaceId, runId, cancellationToken);
        var artifact = await store.FindAsync(run.Seq, path, cancellationToken) ?? throw NotFound(runId, path);
        var content = await blobs.OpenReadAsync(artifact.Sha256, cancellationToken) ?? throw NotFound(runId, path);
        return (artifact, content);
    }

    /// <summary>Lists files under a prefix; without recursion, the direct children with each sub-directory once.</summary>
    public async Task<IReadOnlyList<ArtifactEntryDto>> ListAsync(long workspaceId, string runId, string? prefix, bool recursive, CancellationToken cancellationToken)
    {
        prefix ??= "";
        if (prefix.Length > 0) Validate.RelativePath(prefix.TrimEnd('/'));
        if (prefix.Length > 0 && !prefix.EndsWith('/')) prefix += "/";
        var run = await runs.FindAsync(workspaceId, runId, cancellationToken);
        var files = await store.ListAsync(run.Seq, prefix, cancellationToken);
        if (recursive) return files.Select(File).ToList();
        var entries = new List<ArtifactEntryDto>();
        string? lastDirectory = null;
        foreach (var file in files)
        {
            var rest = file.Path[prefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash < 0) { entries.Add(File(file)); continue; }
            var directory = prefix + rest[..slash];
            if (directory != lastDirectory) entries.Add(new ArtifactEntryDto(directory, "directory", null, null, null));
            lastDirectory = directory;
        }
        return entries;
    }

    private static ArtifactEntryDto File(ArtifactDto a) => new(a.Path, "file", a.Size, a.Sha256, a.CreatedTime);

    private static LoomException NotFound(string runId, string path) =>
        new(ErrorCodes.ArtifactNotFound, $"Run '{runId}' has no artifact '{path}'.");

    public static string GuessContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".txt" or ".log" => "text/plain",
        ".json" => "application/json",
        ".csv" => "text/csv",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".svg" => "image/svg+xml",
        ".html" => "text/html",
        ".yml" or ".yaml" => "application/yaml",
        _ => "application/octet-stream",
    };
}
