namespace Loom.Core.Registry;

/// <summary>A tag a model must have: <see cref="Key"/> present, and equal to <see cref="Value"/> when that is given.</summary>
public sealed record ModelTagFilter(string Key, string? Value);

/// <summary>
/// A parsed model search: an exact name, tags every result has, every matching version or only the latest matching
/// version of each name, and where the previous page ended (a name and version).
/// </summary>
public sealed record ModelQuery(
    string? Name,
    IReadOnlyList<ModelTagFilter> Tags,
    bool AllVersions,
    int PageSize,
    (string Name, int Version)? After,
    string Fingerprint);
