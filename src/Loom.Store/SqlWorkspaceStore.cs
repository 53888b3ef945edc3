using Loom.Core.Common;
using Loom.Core.Workspaces;

namespace Loom.Store;

public sealed class SqlWorkspaceStore(LoomDatabase db) : IWorkspaceStore
{
    private const string Columns = "id, name, description, created_ms";

    public async Task<WorkspaceRecord?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.First<WorkspaceRow>(null, $"SELECT {Columns} FROM workspaces WHERE name = @name", new { name }, cancellationToken);
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<WorkspaceRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return (await c.Query<WorkspaceRow>(null, $"SELECT {Columns} FROM workspaces ORDER BY name", null, cancellationToken))
            .Select(r => r.ToRecord()).ToList();
    }

    public Task<WorkspaceRecord?> CreateAsync(string name, string? description, DateTimeOffset time, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var id = await c.First<long?>(t,
                "INSERT INTO workspaces (name, description, created_ms) VALUES (@name, @description, @ms) ON CONFLICT (name) DO NOTHING RETURNING id",
                new { name, description, ms = Times.ToMs(time) }, cancellationToken);
            return id is null ? null : new WorkspaceRecord(id.Value, name, description, Times.FromMs(Times.ToMs(time)));
        }, cancellationToken);

    public async Task<(long Experiments, long Runs)> CountAsync(long workspaceId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var experiments = await c.Scalar<long>(null, "SELECT COUNT(*) FROM experiments WHERE workspace_id = @workspaceId", new { workspaceId }, cancellationToken);
        var runs = await c.Scalar<long>(null, "SELECT COUNT(*) FROM runs WHERE workspace_id = @workspaceId", new { workspaceId }, cancellationToken);
        return (experiments, runs);
    }

    public async Task<IReadOnlyDictionary<string, long>> CountAssetsAsync(long workspaceId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var counts = new Dictionary<string, long>();
        foreach (var (kind, table) in new[] { ("environment versions", "environments"), ("model versions", "models"), ("compute targets", "computes"), ("snapshots", "snapshots"), ("endpoints", "endpoints") })
        {
            var count = await c.Scalar<long>(null, $"SELECT COUNT(*) FROM {table} WHERE workspace_id = @workspaceId", new { workspaceId }, cancellationToken);
            if (count > 0) counts[kind] = count;
        }
        return counts;
    }

    public Task DeleteAsync(long workspaceId, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            const string Runs = "SELECT seq FROM runs WHERE workspace_id = @workspaceId";
            const string Metrics = "SELECT id FROM metrics WHERE run_seq IN (" + Runs + ")";
            string[] statements =
            [
                $"DELETE FROM metric_blocks WHERE metric_id IN ({Metrics})",
                $"DELETE FROM metric_rows WHERE metric_id IN ({Metrics})",
                $"DELETE FROM metrics WHERE run_seq IN ({Runs})",
                $"DELETE FROM run_values WHERE run_seq IN ({Runs})",
                $"DELETE FROM artifacts WHERE run_seq IN ({Runs})",
                $"DELETE FROM log_chunks WHERE run_seq IN ({Runs})",
                $"DELETE FROM log_files WHERE run_seq IN ({Runs})",
                "DELETE FROM tokens WHERE kind = 'run' AND subject IN (SELECT id FROM runs WHERE workspace_id = @workspaceId)",
                "DELETE FROM tokens WHERE kind = 'agent' AND subject IN (SELECT id FROM agents WHERE workspace_id = @workspaceId)",
                "DELETE FROM job_nodes WHERE job_id IN (SELECT id FROM jobs WHERE workspace_id = @workspaceId)",
                "DELETE FROM jobs WHERE workspace_id = @workspaceId",
                "DELETE FROM agents WHERE workspace_id = @workspaceId",
                "DELETE FROM runs WHERE workspace_id = @workspaceId",
                "DELETE FROM experiments WHERE workspace_id = @workspaceId",
                "DELETE FROM idempotency WHERE workspace_id = @workspaceId",
                "DELETE FROM environments WHERE workspace_id = @workspaceId",
                "DELETE FROM environment_names WHERE workspace_id = @workspaceId",
                "DELETE FROM model_tags WHERE model_id IN (SELECT id FROM models WHERE workspace_id = @workspaceId)",
                "DELETE FROM models WHERE workspace_id = @workspaceId",
                "DELETE FROM model_names WHERE workspace_id = @workspaceId",
                "DELETE FROM computes WHERE workspace_id = @workspaceId",
                "DELETE FROM endpoint_requests WHERE workspace_id = @workspaceId",
                "DELETE FROM deployments WHERE workspace_id = @workspaceId",
                "DELETE FROM endpoints WHERE workspace_id = @workspaceId",
                "DELETE FROM snapshots WHERE workspace_id = @workspaceId",
                "DELETE FROM workspaces WHERE id = @workspaceId",
            ];
            foreach (var sql in statements) await c.Execute(t, sql, new { workspaceId }, cancellationToken);
            return 0;
        }, cancellationToken);

    private sealed class WorkspaceRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public string? Description { get; set; }
        public long CreatedMs { get; set; }
        public WorkspaceRecord ToRecord() => new(Id, Name, Description, Times.FromMs(CreatedMs));
    }
}
