namespace Loom.Contracts;

public sealed record ArtifactDto(string Path, long Size, string Sha256, string? ContentType, DateTimeOffset CreatedTime);

/// <summary>An entry of an artifact listing: a file, or a directory when listing one level.</summary>
public sealed record ArtifactEntryDto(string Path, string Type, long? Size, string? Sha256, DateTimeOffset? CreatedTime);

public sealed record LogFileDto(string File, long Length);
