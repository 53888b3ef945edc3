using Loom.Core.Common;

namespace Loom.Core.Registry;

/// <summary>A model version about to be registered; <see cref="Manifest"/> is the canonical text of its files.</summary>
public sealed record NewModel(string Name, string? Description, IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, string> Properties, string? Framework, string? FrameworkVersion, string? RunId, string? RunPath,
    string ManifestId, string Manifest, int Files, long Bytes, DateTimeOffset Time);

/// <summary>A stored model version; <see cref="Manifest"/> is the canonical text of its files.</summary>
public sealed record ModelRecord(string Name, int Version, string? Description, IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, string> Properties, string? Framework, string? FrameworkVersion, string? RunId, string? RunPath,
    string ManifestId, string Manifest, int Files, long Bytes, DateTimeOffset CreatedTime);

public interface IModelStore
{
    /// <summary>
    /// Stores the next version of a name (numbers are never given twice, even after a delete); an idempotent replay
    /// answers with the version first stored. Returns the version number.
    /// </summary>
    Task<int> RegisterAsync(long workspaceId, NewModel model, IdempotentRequest? idempotency, CancellationToken cancellationToken);

    /// <summary>One version, or the latest stored one when <paramref name="version"/> is null.</summary>
    Task<ModelRecord?> GetAsync(long workspaceId, string name, int? version, CancellationToken cancellationToken);

    /// <summary>Every version of a name, oldest first (empty when the name is unknown).</summary>
    Task<IReadOnlyList<ModelRecord>> ListVersionsAsync(long workspaceId, string name, CancellationToken cancellationToken);

    /// <summary>One page of a search, by name then version (newest first), and whether more follow.</summary>
    Task<(IReadOnlyList<ModelRecord> Models, bool More)> ListAsync(long workspaceId, ModelQuery query, CancellationToken cancellationToken);

    /// <summary>The versions registered from a run, by name and version.</summary>
    Task<IReadOnlyList<ModelRecord>> ListByRunAsync(long workspaceId, string runId, CancellationToken cancellationToken);

    /// <summary>Merges <paramref name="tags"/>, removes <paramref name="removeTags"/> and, when given, sets the description; false when the version is unknown.</summary>
    Task<bool> UpdateAsync(long workspaceId, string name, int version, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> removeTags,
        string? description, bool setDescription, CancellationToken cancellationToken);

    /// <summary>Deletes one version; false when it is unknown.</summary>
    Task<bool> DeleteAsync(long workspaceId, string name, int version, CancellationToken cancellationToken);
}
