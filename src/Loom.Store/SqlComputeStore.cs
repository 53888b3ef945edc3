using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Compute;

namespace Loom.Store;

public sealed class SqlComputeStore(LoomDatabase db) : IComputeStore
{
    private const string Columns = "name, type, min_nodes, max_nodes, idle_seconds, description, tags, created_ms";

    public Task<string?> CreateAsync(long workspaceId, ComputeRecord compute, IdempotentRequest? idempotency, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var ms = Times.ToMs(compute.CreatedTime);
            if (await IdempotencyRecords.ClaimAsync(c, t, workspaceId, idempotency, ms, cancellationToken) is { } earlier) return earlier;
            var id = await c.First<long?>(t,
                "INSERT INTO computes (workspace_id, name, type, min_nodes, max_nodes, idle_seconds, description, tags, created_ms) " +
                "VALUES (@workspaceId, @Name, @Type, @MinNodes, @MaxNodes, @IdleSeconds, @Description, @tags, @ms) " +
                "ON CONFLICT (workspace_id, name) DO NOTHING RETURNING id",
                new
                {
                    workspaceId, compute.Name, compute.Type, compute.MinNodes, compute.MaxNodes, compute.IdleSeconds, compute.Description,
                    tags = Json(compute.Tags), ms,
                }, cancellationToken);
            if (id is null) return null;
            await IdempotencyRecords.SaveAsync(c, t, workspaceId, idempotency, compute.Name, cancellationToken);
            return compute.Name;
        }, cancellationToken);

    public async Task<ComputeRecord?> GetAsync(long workspaceId, string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.First<ComputeRow>(null, $"SELECT {Columns} FROM computes WHERE workspace_id = @workspaceId AND name = @name",
            new { workspaceId, name }, cancellationToken);
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<ComputeRecord>> ListAsync(long workspaceId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<ComputeRow>(null, $"SELECT {Columns} FROM computes WHERE workspace_id = @workspaceId ORDER BY name",
            new { workspaceId }, cancellationToken);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public Task<ComputeRecord?> UpdateAsync(long workspaceId, string name, Func<ComputeRecord, ComputeRecord> change, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            // Locked (PostgreSQL) so two changes of one target take turns and each validates what the other left.
            var row = await c.First<ComputeRow>(t,
                $"SELECT {Columns} FROM computes WHERE workspace_id = @workspaceId AND name = @name{db.Dialect.ForUpdate}",
                new { workspaceId, name }, cancellationToken);
            if (row is null) return null;
            var updated = change(row.ToRecord());
            await c.Execute(t,
                "UPDATE computes SET min_nodes = @MinNodes, max_nodes = @MaxNodes, idle_seconds = @IdleSeconds, description = @Description, tags = @tags " +
                "WHERE workspace_id = @workspaceId AND name = @name",
                new { workspaceId, name, updated.MinNodes, updated.MaxNodes, updated.IdleSeconds, updated.Description, tags = Json(updated.Tags) },
                cancellationToken);
            return updated;
        }, cancellationToken);

    public Task<bool> DeleteAsync(long workspaceId, string name, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
            await c.Execute(t, "DELETE FROM computes WHERE workspace_id = @workspaceId AND name = @name", new { workspaceId, name }, cancellationToken) > 0,
            cancellationToken);

    private static string Json(IReadOnlyDictionary<string, string> tags) => JsonSerializer.Serialize(tags, LoomJson.Options);

    private sealed class ComputeRow
    {
        public string Name { get; set; } = "";
        public string Type { get; set; } = "";
        public long MinNodes { get; set; }
        public long MaxNodes { get; set; }
        public long IdleSeconds { get; set; }
        public string? Description { get; set; }
        public string Tags { get; set; } = "{}";
        public long CreatedMs { get; set; }

        public ComputeRecord ToRecord() => new(Name, Type, (int)MinNodes, (int)MaxNodes, (int)IdleSeconds, Description,
            JsonSerializer.Deserialize<Dictionary<string, string>>(Tags, LoomJson.Options) ?? [], Times.FromMs(CreatedMs));
    }
}
