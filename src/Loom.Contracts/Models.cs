namespace Loom.Contracts;

/// <summary>
/// <c>POST /models</c>: registers the next version of <see cref="Name"/>. The files are either <see cref="Files"/> (a manifest
/// like a snapshot's, its blobs uploaded already) or the artifact file or folder <see cref="Path"/> of run <see cref="RunId"/>,
/// which is then recorded as the model's source. Files are kept under the registered path's last name, as Azure ML v1 does:
/// <c>outputs/model.pkl</c> becomes <c>model.pkl</c>, the folder <c>outputs/model</c> becomes <c>model/...</c>.
/// </summary>
public sealed record RegisterModelRequest(
    string? Name,
    string? Description = null,
    Dictionary<string, string>? Tags = null,
    Dictionary<string, string>? Properties = null,
    string? Framework = null,
    string? FrameworkVersion = null,
    IReadOnlyList<SnapshotEntryDto>? Files = null,
    string? RunId = null,
    string? Path = null);

/// <summary>
/// One version of a model: its files (ordered by path), their total size and <see cref="ManifestId"/>, the SHA-256 of their
/// canonical manifest (computed as a snapshot id is); <see cref="RunId"/> and <see cref="RunPath"/> name the run it came from.
/// </summary>
public sealed record ModelDto(
    string Name,
    int Version,
    string? Description,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, string> Properties,
    string? Framework,
    string? FrameworkVersion,
    string? RunId,
    string? RunPath,
    IReadOnlyList<SnapshotEntryDto> Files,
    long Bytes,
    string ManifestId,
    DateTimeOffset CreatedTime);

/// <summary><c>PATCH /models/{name}/versions/{version}</c>: tags are merged in, <see cref="RemoveTags"/> removed; an empty description clears it.</summary>
public sealed record UpdateModelRequest(
    Dictionary<string, string>? Tags = null,
    List<string>? RemoveTags = null,
    string? Description = null);
