namespace Loom.Client.Snapshots;

/// <summary>A file found by <see cref="SnapshotWalker"/>: its '/'-separated path from the root, where it is, and its stat.</summary>
public sealed record SnapshotFile(string Path, string FullPath, long Size, int Mode, long MtimeNs);
