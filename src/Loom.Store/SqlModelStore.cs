using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Registry;

namespace Loom.Store;

public sealed class SqlModelStore(LoomDatabase db) : IModelStore
{
    private const string Columns = "m.id, m.name, m.version, m.description, m.properties, m.framework, m.framework_version, m.run_id, m.run_path, " +
        "m.manifest_id, m.manifest, m.files, m.bytes, m.created_ms";

    public Task<int> RegisterAsync(long workspaceId, NewModel model, IdempotentRequest? idempotency, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var ms = Times.ToMs(model.Time);
            if (await IdempotencyRecords.ClaimAsync(c, t, workspaceId, idempotency, ms, cancellationToken) is { } earlier)
                return int.Parse(earlier, CultureInfo.InvariantCulture);
            // The upsert locks the name's row (PostgreSQL), so concurrent registrations of one name take turns.
            var version = (int)await c.Scalar<long>(t,
                "INSERT INTO model_names (workspace_id, name, latest_version) VALUES (@workspaceId, @Name, 1) " +
                "ON CONFLICT (workspace_id, name) DO UPDATE SET latest_version = model_names.latest_version + 1 RETURNING latest_version",
                new { workspaceId, model.Name }, cancellationToken);
            var id = await c.Scalar<long>(t,
                "INSERT INTO models (workspace_id, name, version, description, properties, framework, framework_version, run_id, run_path, " +
                "manifest_id, manifest, files, bytes, created_ms) VALUES (@workspaceId, @Name, @version, @Description, @properties, @Framework, " +
                "@FrameworkVersion, @RunId, @RunPath, @ManifestId, @Manifest, @Files, @Bytes, @ms) RETURNING id",
                new
                {
                    workspaceId, model.Name, version, model.Description, properties = JsonSerializer.Serialize(model.Properties, LoomJson.Options),
                    model.Framework, model.FrameworkVersion, model.RunId, model.RunPath, model.ManifestId, model.Manifest, model.Files, model.Bytes, ms,
                }, cancellationToken);
            await SetTagsAsync(c, t, id, model.Tags, cancellationToken);
            await IdempotencyRecords.SaveAsync(c, t, workspaceId, idempotency, version.ToString(CultureInfo.InvariantCulture), cancellationToken);
            return version;
        }, cancellationToken);

    public async Task<ModelRecord?> GetAsync(long workspaceId, string name, int? version, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var sql = $"SELECT {Columns} FROM models m WHERE m.workspace_id = @workspaceId AND m.name = @name " +
            (version is null ? "ORDER BY m.version DESC LIMIT 1" : "AND m.version = @version");
        var rows = await c.Query<ModelRow>(null, sql, new { workspaceId, name, version }, cancellationToken);
        return (await LoadAsync(c, rows, cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<ModelRecord>> ListVersionsAsync(long workspaceId, string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<ModelRow>(null,
            $"SELECT {Columns} FROM models m WHERE m.workspace_id = @workspaceId AND m.name = @name ORDER BY m.version",
            new { workspaceId, name }, cancellationToken);
        return await LoadAsync(c, rows, cancellationToken);
    }

    public async Task<(IReadOnlyList<ModelRecord> Models, bool More)> ListAsync(long workspaceId, ModelQuery query, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        parameters.Add("workspaceId", workspaceId);
        parameters.Add("limit", query.PageSize + 1);
        var where = new StringBuilder("m.workspace_id = @workspaceId");
        if (query.Name is not null)
        {
            parameters.Add("name", query.Name);
            where.Append(" AND m.name = @name");
        }
        for (var i = 0; i < query.Tags.Count; i++)
        {
            parameters.Add($"k{i}", query.Tags[i].Key);
            if (query.Tags[i].Value is { } value) parameters.Add($"v{i}", value);
        }
        where.Append(TagFilters("m", query.Tags));
        // The latest version of a name among those that match: no newer matching version of the same name exists.
        if (!query.AllVersions)
            where.Append(" AND NOT EXISTS (SELECT 1 FROM models n WHERE n.workspace_id = m.workspace_id AND n.name = m.name AND n.version > m.version")
                .Append(TagFilters("n", query.Tags)).Append(')');
        if (query.After is { } after)
        {
            parameters.Add("afterName", after.Name);
            parameters.Add("afterVersion", after.Version);
            where.Append(" AND (m.name > @afterName OR (m.name = @afterName AND m.version < @afterVersion))");
        }
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = (await c.QueryAsync<ModelRow>(new CommandDefinition(
            $"SELECT {Columns} FROM models m WHERE {where} ORDER BY m.name, m.version DESC LIMIT @limit", parameters,
            cancellationToken: cancellationToken))).AsList();
        var more = rows.Count > query.PageSize;
        if (more) rows.RemoveAt(rows.Count - 1);
        return (await LoadAsync(c, rows, cancellationToken), more);
    }

    public async Task<IReadOnlyList<ModelRecord>> ListByRunAsync(long workspaceId, string runId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<ModelRow>(null,
            $"SELECT {Columns} FROM models m WHERE m.workspace_id = @workspaceId AND m.run_id = @runId ORDER BY m.name, m.version",
            new { workspaceId, runId }, cancellationToken);
        return await LoadAsync(c, rows, cancellationToken);
    }

    public Task<bool> UpdateAsync(long workspaceId, string name, int version, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> removeTags,
        string? description, bool setDescription, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var id = await c.First<long?>(t, $"SELECT id FROM models WHERE workspace_id = @workspaceId AND name = @name AND version = @version{db.Dialect.ForUpdate}",
                new { workspaceId, name, version }, cancellationToken);
            if (id is null) return false;
            await SetTagsAsync(c, t, id.Value, tags, cancellationToken);
            foreach (var key in removeTags)
                await c.Execute(t, "DELETE FROM model_tags WHERE model_id = @id AND key = @key", new { id, key }, cancellationToken);
            if (setDescription)
                await c.Execute(t, "UPDATE models SET description = @description WHERE id = @id", new { id, description }, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<bool> DeleteAsync(long workspaceId, string name, int version, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var id = await c.First<long?>(t, "SELECT id FROM models WHERE workspace_id = @workspaceId AND name = @name AND version = @version",
                new { workspaceId, name, version }, cancellationToken);
            if (id is null) return false;
            await c.Execute(t, "DELETE FROM model_tags WHERE model_id = @id", new { id }, cancellationToken);
            await c.Execute(t, "DELETE FROM models WHERE id = @id", new { id }, cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>One EXISTS test per tag filter against the model rows of <paramref name="alias"/>; parameters are <c>@k{i}</c> and <c>@v{i}</c>.</summary>
    private static string TagFilters(string alias, IReadOnlyList<ModelTagFilter> tags)
    {
        var sql = new StringBuilder();
        for (var i = 0; i < tags.Count; i++)
            sql.Append(CultureInfo.InvariantCulture,
                $" AND EXISTS (SELECT 1 FROM model_tags g{i} WHERE g{i}.model_id = {alias}.id AND g{i}.key = @k{i}{(tags[i].Value is null ? "" : $" AND g{i}.value = @v{i}")})");
        return sql.ToString();
    }

    private static async Task SetTagsAsync(DbConnection c, DbTransaction t, long id, IReadOnlyDictionary<string, string> tags, CancellationToken ct)
    {
        foreach (var (key, value) in tags)
            await c.Execute(t, "INSERT INTO model_tags (model_id, key, value) VALUES (@id, @key, @value) " +
                "ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value", new { id, key, value }, ct);
    }

    /// <summary>Reads the tags of <paramref name="rows"/> in one query and builds their records, in order.</summary>
    private async Task<IReadOnlyList<ModelRecord>> LoadAsync(DbConnection c, IReadOnlyList<ModelRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return [];
        var ids = rows.Select(r => r.Id).ToArray();
        var tags = (await c.Query<TagRow>(null, $"SELECT model_id, key, value FROM model_tags WHERE {db.Dialect.AnyOf("model_id", "@ids")}", new { ids }, ct))
            .ToLookup(g => g.ModelId);
        return rows.Select(r => r.ToRecord(tags[r.Id].ToDictionary(g => g.Key, g => g.Value, StringComparer.Ordinal))).ToList();
    }

    private sealed class ModelRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public long Version { get; set; }
        public string? Description { get; set; }
        public string Properties { get; set; } = "{}";
        public string? Framework { get; set; }
        public string? FrameworkVersion { get; set; }
        public string? RunId { get; set; }
        public string? RunPath { get; set; }
        public string ManifestId { get; set; } = "";
        public string Manifest { get; set; } = "";
        public long Files { get; set; }
        public long Bytes { get; set; }
        public long CreatedMs { get; set; }

        public ModelRecord ToRecord(IReadOnlyDictionary<string, string> tags) => new(Name, (int)Version, Description, tags,
            JsonSerializer.Deserialize<Dictionary<string, string>>(Properties, LoomJson.Options) ?? [], Framework, FrameworkVersion, RunId, RunPath,
            ManifestId, Manifest, (int)Files, Bytes, Times.FromMs(CreatedMs));
    }

    private sealed class TagRow
    {
        public long ModelId { get; set; }
        public string Key { get; set; } = "";
        public string Value { get; set; } = "";
    }
}
