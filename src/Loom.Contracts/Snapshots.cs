namespace Loom.Contracts;

/// <summary>One file of a snapshot: its '/'-separated relative path, size, Unix mode (e.g. 420 = 0644) and content hash.</summary>
public sealed record SnapshotEntryDto(string Path, long Size, int Mode, string Sha256);

/// <summary><c>POST /snapshots</c>: the manifest to store; its order does not matter.</summary>
public sealed record CreateSnapshotRequest(IReadOnlyList<SnapshotEntryDto> Entries);

/// <summary>A stored snapshot: its id is the SHA-256 of the canonical manifest.</summary>
public sealed record SnapshotCreatedDto(string Id, int Files, long Bytes);

/// <summary>A snapshot's manifest, entries ordered by path.</summary>
public sealed record SnapshotDto(string Id, int Files, long Bytes, DateTimeOffset CreatedTime, IReadOnlyList<SnapshotEntryDto> Entries);

/// <summary><c>POST /snapshots/missing</c>: content hashes to check.</summary>
public sealed record MissingBlobsRequest(IReadOnlyList<string> Sha256);

/// <summary>The hashes of a <see cref="MissingBlobsRequest"/> the server does not hold.</summary>
public sealed record MissingBlobsDto(IReadOnlyList<string> Missing);

/// <summary>A stored content-addressed blob.</summary>
public sealed record BlobDto(string Sha256, long Size);
