namespace Loom.Client.Snapshots;

/// <summary>
/// How far a snapshot is: <see cref="Phase"/> is <c>hashing</c> (bytes of files not in the hash cache) or
/// <c>uploading</c> (bytes of files the server lacks).
/// </summary>
public sealed record SnapshotProgress(string Phase, long Done, long Total)
{
    public const string Hashing = "hashing";
    public const string Uploading = "uploading";
}
