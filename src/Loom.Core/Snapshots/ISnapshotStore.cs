namespace Loom.Core.Snapshots;

/// <summary>Which snapshots a workspace holds; their manifests live in the blob store under their id.</summary>
public interface ISnapshotStore
{
    /// <summary>Records a snapshot; a snapshot the workspace already holds is left as it is.</summary>
    Task AddAsync(long workspaceId, SnapshotRecord snapshot, CancellationToken cancellationToken);

    Task<SnapshotRecord?> FindAsync(long workspaceId, string id, CancellationToken cancellationToken);
}

/// <summary>A snapshot's row: id (SHA-256 of the canonical manifest), file count, total bytes, when first stored.</summary>
public sealed record SnapshotRecord(string Id, int Files, long Bytes, DateTimeOffset CreatedTime);
