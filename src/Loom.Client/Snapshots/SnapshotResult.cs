namespace Loom.Client.Snapshots;

/// <summary>
/// What <see cref="SnapshotsClient.CreateFromFolderAsync"/> did: the snapshot's id, size, how much it uploaded,
/// and how many files it had to read to hash (0 when the hash cache knew them all).
/// </summary>
public sealed record SnapshotResult(string Id, int Files, long Bytes, int UploadedFiles, long UploadedBytes, int HashedFiles);
