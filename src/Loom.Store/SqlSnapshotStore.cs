using Loom.Core.Common;
using Loom.Core.Snapshots;

namespace Loom.Store;

public sealed class SqlSnapshotStore(LoomDatabase db) : ISnapshotStore
{
    public Task AddAsync(long workspaceId, SnapshotRecord snapshot, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.Execute(t,
            "INSERT INTO snapshots (workspace_id, id, files, bytes, created_ms) VALUES (@workspaceId, @Id, @Files, @Bytes, @ms) " +
            "ON CONFLICT (workspace_id, id) DO NOTHING",
            new { workspaceId, snapshot.Id, snapshot.Files, snapshot.Bytes, ms = Times.ToMs(snapshot.CreatedTime) }, cancellationToken),
            cancellationToken);

    public async Task<SnapshotRecord?> FindAsync(long workspaceId, string id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.First<SnapshotRow>(null, "SELECT id, files, bytes, created_ms FROM snapshots WHERE workspace_id = @workspaceId AND id = @id",
            new { workspaceId, id }, cancellationToken);
        return row is null ? null : new SnapshotRecord(row.Id, (int)row.Files, row.Bytes, Times.FromMs(row.CreatedMs));
    }

    private sealed class SnapshotRow
    {
        public string Id { get; set; } = "";
        public long Files { get; set; }
        public long Bytes { get; set; }
        public long CreatedMs { get; set; }
    }
}
