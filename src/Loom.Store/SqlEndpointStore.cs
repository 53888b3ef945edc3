using System.Data.Common;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Serving;

namespace Loom.Store;

/// <summary>
/// Endpoints and their deployments. Every write that touches both locks the endpoint row first, then the deployment row, so concurrent
/// changes queue up in one order (PostgreSQL) and never deadlock.
/// </summary>
public sealed class SqlEndpointStore(LoomDatabase db) : IEndpointStore
{
    private const string EndpointColumns = "id, name, auth_mode, description, tags, traffic, primary_key, secondary_key, created_ms";
    private const string DeploymentColumns =
        "e.name AS endpoint, d.id, d.name, d.spec, d.generation, d.state, d.error, d.init_log, d.serving_spec, d.serving_generation, d.created_ms, d.updated_ms";
    private const string DeploymentFrom = "FROM deployments d JOIN endpoints e ON e.id = d.endpoint_id";

    public Task<string?> CreateAsync(long workspaceId, EndpointRecord endpoint, IdempotentRequest? idempotency, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var ms = Times.ToMs(endpoint.CreatedTime);
            if (await IdempotencyRecords.ClaimAsync(c, t, workspaceId, idempotency, ms, cancellationToken) is { } earlier) return earlier;
            var id = await c.First<long?>(t,
                "INSERT INTO endpoints (workspace_id, name, auth_mode, description, tags, traffic, primary_key, secondary_key, created_ms) " +
                "VALUES (@workspaceId, @Name, @AuthMode, @Description, @tags, @traffic, @PrimaryKey, @SecondaryKey, @ms) " +
                "ON CONFLICT (workspace_id, name) DO NOTHING RETURNING id",
                new
                {
                    workspaceId, endpoint.Name, endpoint.AuthMode, endpoint.Description, tags = Json(endpoint.Tags), traffic = Json(endpoint.Traffic),
                    endpoint.PrimaryKey, endpoint.SecondaryKey, ms,
                }, cancellationToken);
            if (id is null) return null;
            await IdempotencyRecords.SaveAsync(c, t, workspaceId, idempotency, endpoint.Name, cancellationToken);
            return endpoint.Name;
        }, cancellationToken);

    public async Task<EndpointRecord?> GetAsync(long workspaceId, string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await ReadEndpointAsync(c, null, workspaceId, name, lockRow: false, cancellationToken);
    }

    public async Task<IReadOnlyList<EndpointRecord>> ListAsync(long workspaceId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<EndpointRow>(null, $"SELECT {EndpointColumns} FROM endpoints WHERE workspace_id = @workspaceId ORDER BY name",
            new { workspaceId }, cancellationToken);
        var names = (await c.Query<(long EndpointId, string Name)>(null,
                "SELECT endpoint_id, name FROM deployments WHERE workspace_id = @workspaceId ORDER BY name", new { workspaceId }, cancellationToken))
            .ToLookup(d => d.EndpointId, d => d.Name);
        return rows.Select(r => r.ToRecord(names[r.Id].ToList())).ToList();
    }

    public Task<EndpointRecord?> UpdateAsync(long workspaceId, string name, Func<EndpointRecord, EndpointRecord> change, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var current = await ReadEndpointAsync(c, t, workspaceId, name, lockRow: true, cancellationToken);
            if (current is null) return null;
            var updated = change(current);
            await c.Execute(t,
                "UPDATE endpoints SET description = @Description, tags = @tags, traffic = @traffic, primary_key = @PrimaryKey, secondary_key = @SecondaryKey " +
                "WHERE id = @Id",
                new { current.Id, updated.Description, tags = Json(updated.Tags), traffic = Json(updated.Traffic), updated.PrimaryKey, updated.SecondaryKey },
                cancellationToken);
            return updated;
        }, cancellationToken);

    public Task<IReadOnlyList<string>?> DeleteAsync(long workspaceId, string name, CancellationToken cancellationToken) =>
        db.WriteAsync<IReadOnlyList<string>?>(async (c, t) =>
        {
            var current = await ReadEndpointAsync(c, t, workspaceId, name, lockRow: true, cancellationToken);
            if (current is null) return null;
            foreach (var sql in new[]
                     {
                         "DELETE FROM deployments WHERE endpoint_id = @Id", "DELETE FROM endpoint_requests WHERE endpoint_id = @Id",
                         "DELETE FROM endpoints WHERE id = @Id",
                     })
                await c.Execute(t, sql, new { current.Id }, cancellationToken);
            return current.Deployments;
        }, cancellationToken);

    public Task<DeploymentCreation> CreateDeploymentAsync(long workspaceId, string endpoint, DeploymentRecord deployment, IdempotentRequest? idempotency,
        CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var ms = Times.ToMs(deployment.CreatedTime);
            if (await IdempotencyRecords.ClaimAsync(c, t, workspaceId, idempotency, ms, cancellationToken) is { } earlier)
                return new DeploymentCreation(true, earlier, Replayed: true);
            var endpointId = await c.First<long?>(t, $"SELECT id FROM endpoints WHERE workspace_id = @workspaceId AND name = @endpoint{db.Dialect.ForUpdate}",
                new { workspaceId, endpoint }, cancellationToken);
            if (endpointId is null) return new DeploymentCreation(false, null, false);
            var id = await c.First<long?>(t,
                "INSERT INTO deployments (workspace_id, endpoint_id, name, spec, generation, state, error, init_log, created_ms, updated_ms) " +
                "VALUES (@workspaceId, @endpointId, @Name, @spec, @Generation, @State, @Error, @InitLog, @ms, @ms) " +
                "ON CONFLICT (endpoint_id, name) DO NOTHING RETURNING id",
                new { workspaceId, endpointId, deployment.Name, spec = deployment.Spec.ToJson(), deployment.Generation, deployment.State, deployment.Error,
                    deployment.InitLog, ms }, cancellationToken);
            if (id is null) return new DeploymentCreation(true, null, false);
            await IdempotencyRecords.SaveAsync(c, t, workspaceId, idempotency, deployment.Name, cancellationToken);
            return new DeploymentCreation(true, deployment.Name, false);
        }, cancellationToken);

    public async Task<DeploymentRecord?> GetDeploymentAsync(long workspaceId, string endpoint, string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.First<DeploymentRow>(null,
            $"SELECT {DeploymentColumns} {DeploymentFrom} WHERE e.workspace_id = @workspaceId AND e.name = @endpoint AND d.name = @name",
            new { workspaceId, endpoint, name }, cancellationToken);
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<DeploymentRecord>?> ListDeploymentsAsync(long workspaceId, string endpoint, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var endpointId = await c.First<long?>(null, "SELECT id FROM endpoints WHERE workspace_id = @workspaceId AND name = @endpoint",
            new { workspaceId, endpoint }, cancellationToken);
        if (endpointId is null) return null;
        var rows = await c.Query<DeploymentRow>(null, $"SELECT {DeploymentColumns} {DeploymentFrom} WHERE d.endpoint_id = @endpointId ORDER BY d.name",
            new { endpointId }, cancellationToken);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyList<DeploymentRecord>> ListWorkspaceDeploymentsAsync(long workspaceId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<DeploymentRow>(null, $"SELECT {DeploymentColumns} {DeploymentFrom} WHERE d.workspace_id = @workspaceId ORDER BY e.name, d.name",
            new { workspaceId }, cancellationToken);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyList<WorkspaceDeployment>> ListLiveAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<DeploymentRow>(null,
            $"SELECT w.id AS workspace_id, w.name AS workspace, {DeploymentColumns} {DeploymentFrom} JOIN workspaces w ON w.id = d.workspace_id " +
            "WHERE d.serving_spec IS NOT NULL OR d.state = @updating ORDER BY w.name, e.name, d.name",
            new { updating = DeploymentStates.Updating }, cancellationToken);
        return rows.Select(r => new WorkspaceDeployment(r.WorkspaceId, r.Workspace, r.ToRecord())).ToList();
    }

    public Task<DeploymentRecord?> UpdateDeploymentAsync(long workspaceId, string endpoint, string name, Func<DeploymentRecord, DeploymentRecord> change,
        CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var row = await ReadDeploymentAsync(c, t, workspaceId, endpoint, name, cancellationToken);
            if (row is null) return null;
            var updated = change(row.ToRecord());
            await c.Execute(t,
                "UPDATE deployments SET spec = @spec, generation = @Generation, state = @State, error = @Error, init_log = @InitLog, updated_ms = @ms WHERE id = @Id",
                new { row.Id, spec = updated.Spec.ToJson(), updated.Generation, updated.State, updated.Error, updated.InitLog, ms = Times.ToMs(updated.UpdatedTime) },
                cancellationToken);
            return updated;
        }, cancellationToken);

    public Task<bool> CompleteAsync(long workspaceId, string endpoint, string name, int generation, DeploymentOutcome outcome, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var row = await ReadDeploymentAsync(c, t, workspaceId, endpoint, name, cancellationToken);
            if (row is null || row.Generation != generation) return false;
            var ms = Times.ToMs(outcome.Time);
            if (outcome.Succeeded)
            {
                await c.Execute(t,
                    "UPDATE deployments SET state = @state, error = NULL, init_log = NULL, serving_spec = spec, serving_generation = generation, updated_ms = @ms " +
                    "WHERE id = @Id", new { row.Id, state = DeploymentStates.Succeeded, ms }, cancellationToken);
                // An endpoint without traffic sends it all to its first deployment that works.
                await c.Execute(t, "UPDATE endpoints SET traffic = @traffic WHERE id = @EndpointId AND traffic = '{}'",
                    new { row.EndpointId, traffic = Json(new Dictionary<string, int> { [name] = 100 }) }, cancellationToken);
            }
            else
            {
                await c.Execute(t, "UPDATE deployments SET state = @state, error = @Error, init_log = @InitLog, updated_ms = @ms WHERE id = @Id",
                    new { row.Id, state = DeploymentStates.Failed, outcome.Error, outcome.InitLog, ms }, cancellationToken);
            }
            return true;
        }, cancellationToken);

    public Task<bool> DeleteDeploymentAsync(long workspaceId, string endpoint, string name, Action<EndpointRecord> check, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var current = await ReadEndpointAsync(c, t, workspaceId, endpoint, lockRow: true, cancellationToken);
            if (current is null || !current.Deployments.Contains(name, StringComparer.Ordinal)) return false;
            check(current);
            await c.Execute(t, "DELETE FROM deployments WHERE endpoint_id = @Id AND name = @name", new { current.Id, name }, cancellationToken);
            if (current.Traffic.ContainsKey(name))
                await c.Execute(t, "UPDATE endpoints SET traffic = @traffic WHERE id = @Id",
                    new { current.Id, traffic = Json(TrafficRules.Without(current.Traffic, name)) }, cancellationToken);
            return true;
        }, cancellationToken);

    private async Task<EndpointRecord?> ReadEndpointAsync(DbConnection c, DbTransaction? t, long workspaceId, string name, bool lockRow,
        CancellationToken cancellationToken)
    {
        var row = await c.First<EndpointRow>(t,
            $"SELECT {EndpointColumns} FROM endpoints WHERE workspace_id = @workspaceId AND name = @name{(lockRow ? db.Dialect.ForUpdate : "")}",
            new { workspaceId, name }, cancellationToken);
        if (row is null) return null;
        var deployments = await c.Query<string>(t, "SELECT name FROM deployments WHERE endpoint_id = @Id ORDER BY name", new { row.Id }, cancellationToken);
        return row.ToRecord(deployments);
    }

    /// <summary>The deployment row, its endpoint's row locked first and then its own (inside a write).</summary>
    private async Task<DeploymentRow?> ReadDeploymentAsync(DbConnection c, DbTransaction t, long workspaceId, string endpoint, string name,
        CancellationToken cancellationToken)
    {
        var endpointId = await c.First<long?>(t, $"SELECT id FROM endpoints WHERE workspace_id = @workspaceId AND name = @endpoint{db.Dialect.ForUpdate}",
            new { workspaceId, endpoint }, cancellationToken);
        if (endpointId is null) return null;
        var row = await c.First<DeploymentRow>(t,
            $"SELECT {DeploymentColumns} {DeploymentFrom} WHERE d.endpoint_id = @endpointId AND d.name = @name{db.Dialect.ForUpdate}",
            new { endpointId, name }, cancellationToken);
        if (row is not null) row.EndpointId = endpointId.Value;
        return row;
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, LoomJson.Options);

    private sealed class EndpointRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public string AuthMode { get; set; } = "";
        public string? Description { get; set; }
        public string Tags { get; set; } = "{}";
        public string Traffic { get; set; } = "{}";
        public string PrimaryKey { get; set; } = "";
        public string SecondaryKey { get; set; } = "";
        public long CreatedMs { get; set; }

        public EndpointRecord ToRecord(IReadOnlyList<string> deployments) => new(Id, Name, AuthMode, Description,
            JsonSerializer.Deserialize<Dictionary<string, string>>(Tags, LoomJson.Options) ?? [],
            JsonSerializer.Deserialize<Dictionary<string, int>>(Traffic, LoomJson.Options) ?? [],
            PrimaryKey, SecondaryKey, Times.FromMs(CreatedMs), deployments);
    }

    private sealed class DeploymentRow
    {
        public long WorkspaceId { get; set; }
        public string Workspace { get; set; } = "";
        public long EndpointId { get; set; }
        public string Endpoint { get; set; } = "";
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public string Spec { get; set; } = "";
        public long Generation { get; set; }
        public string State { get; set; } = "";
        public string? Error { get; set; }
        public string? InitLog { get; set; }
        public string? ServingSpec { get; set; }
        public long? ServingGeneration { get; set; }
        public long CreatedMs { get; set; }
        public long UpdatedMs { get; set; }

        public DeploymentRecord ToRecord() => new(Endpoint, Name, DeploymentSpec.FromJson(Spec), (int)Generation, State, Error, InitLog,
            ServingSpec is null ? null : DeploymentSpec.FromJson(ServingSpec), (int?)ServingGeneration, Times.FromMs(CreatedMs), Times.FromMs(UpdatedMs));
    }
}
