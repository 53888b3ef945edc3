using System.Globalization;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Environments;

namespace Loom.Store;

public sealed class SqlEnvironmentStore(LoomDatabase db) : IEnvironmentStore
{
    private const string Columns = "name, version, hash, spec, description, tags, created_ms";

    public Task<int> RegisterAsync(long workspaceId, NewEnvironment environment, IdempotentRequest? idempotency, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var ms = Times.ToMs(environment.Time);
            if (await IdempotencyRecords.ClaimAsync(c, t, workspaceId, idempotency, ms, cancellationToken) is { } earlier)
                return int.Parse(earlier, CultureInfo.InvariantCulture);
            // The upsert locks the name's row (PostgreSQL), so concurrent registrations of one name take turns
            // and each sees the version the one before it stored.
            var latest = (int)await c.Scalar<long>(t,
                "INSERT INTO environment_names (workspace_id, name, latest_version) VALUES (@workspaceId, @Name, 0) " +
                "ON CONFLICT (workspace_id, name) DO UPDATE SET latest_version = environment_names.latest_version RETURNING latest_version",
                new { workspaceId, environment.Name }, cancellationToken);
            var latestHash = latest == 0 ? null : await c.First<string>(t,
                "SELECT hash FROM environments WHERE workspace_id = @workspaceId AND name = @Name AND version = @latest",
                new { workspaceId, environment.Name, latest }, cancellationToken);
            var version = latest;
            if (latestHash != environment.Hash)
            {
                version = latest + 1;
                await c.Execute(t,
                    "INSERT INTO environments (workspace_id, name, version, hash, spec, description, tags, created_ms) " +
                    "VALUES (@workspaceId, @Name, @version, @Hash, @Spec, @Description, @tags, @ms)",
                    new
                    {
                        workspaceId, environment.Name, version, environment.Hash, environment.Spec, environment.Description,
                        tags = JsonSerializer.Serialize(environment.Tags, LoomJson.Options), ms,
                    }, cancellationToken);
                await c.Execute(t, "UPDATE environment_names SET latest_version = @version WHERE workspace_id = @workspaceId AND name = @Name",
                    new { workspaceId, environment.Name, version }, cancellationToken);
            }
            await IdempotencyRecords.SaveAsync(c, t, workspaceId, idempotency, version.ToString(CultureInfo.InvariantCulture), cancellationToken);
            return version;
        }, cancellationToken);

    public async Task<EnvironmentRecord?> GetAsync(long workspaceId, string name, int? version, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = version is null
            ? await c.First<EnvironmentRow>(null,
                $"SELECT {Columns} FROM environments WHERE workspace_id = @workspaceId AND name = @name ORDER BY version DESC LIMIT 1",
                new { workspaceId, name }, cancellationToken)
            : await c.First<EnvironmentRow>(null,
                $"SELECT {Columns} FROM environments WHERE workspace_id = @workspaceId AND name = @name AND version = @version",
                new { workspaceId, name, version }, cancellationToken);
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<EnvironmentRecord>> ListVersionsAsync(long workspaceId, string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<EnvironmentRow>(null,
            $"SELECT {Columns} FROM environments WHERE workspace_id = @workspaceId AND name = @name ORDER BY version",
            new { workspaceId, name }, cancellationToken);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyList<EnvironmentSummaryDto>> ListAsync(long workspaceId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<SummaryRow>(null,
            "SELECT e.name, e.version, e.hash, e.created_ms FROM environment_names n " +
            "JOIN environments e ON e.workspace_id = n.workspace_id AND e.name = n.name AND e.version = n.latest_version " +
            "WHERE n.workspace_id = @workspaceId ORDER BY n.name",
            new { workspaceId }, cancellationToken);
        return rows.Select(r => new EnvironmentSummaryDto(r.Name, (int)r.Version, r.Hash, Times.FromMs(r.CreatedMs))).ToList();
    }

    private sealed class EnvironmentRow
    {
        public string Name { get; set; } = "";
        public long Version { get; set; }
        public string Hash { get; set; } = "";
        public string Spec { get; set; } = "";
        public string? Description { get; set; }
        public string Tags { get; set; } = "{}";
        public long CreatedMs { get; set; }

        public EnvironmentRecord ToRecord() => new(Name, (int)Version, Hash, Spec, Description,
            JsonSerializer.Deserialize<Dictionary<string, string>>(Tags, LoomJson.Options) ?? [], Times.FromMs(CreatedMs));
    }

    private sealed class SummaryRow
    {
        public string Name { get; set; } = "";
        public long Version { get; set; }
        public string Hash { get; set; } = "";
        public long CreatedMs { get; set; }
    }
}
