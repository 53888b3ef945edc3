using System.Data.Common;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Tracking;

namespace Loom.Store;

public sealed partial class SqlRunStore(LoomDatabase db) : IRunStore
{
    private const string ExperimentColumns = "name, created_ms, last_activity_ms, run_count";

    public async Task<IReadOnlyList<ExperimentDto>> ListExperimentsAsync(long workspaceId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return (await c.Query<ExperimentRow>(null, $"SELECT {ExperimentColumns} FROM experiments WHERE workspace_id = @workspaceId ORDER BY name",
            new { workspaceId }, cancellationToken)).Select(e => e.ToDto()).ToList();
    }

    public async Task<ExperimentDto?> FindExperimentAsync(long workspaceId, string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return (await c.First<ExperimentRow>(null, $"SELECT {ExperimentColumns} FROM experiments WHERE workspace_id = @workspaceId AND name = @name",
            new { workspaceId, name }, cancellationToken))?.ToDto();
    }

    public Task<string> CreateAsync(long workspaceId, NewRun run, IdempotentRequest? idempotency, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var ms = Times.ToMs(run.Time);
            if (await IdempotencyRecords.ClaimAsync(c, t, workspaceId, idempotency, ms, cancellationToken) is { } earlier) return earlier;
            await InsertAsync(c, t, workspaceId, run, cancellationToken);
            await IdempotencyRecords.SaveAsync(c, t, workspaceId, idempotency, run.Id, cancellationToken);
            return run.Id;
        }, cancellationToken);

    public async Task<RunRef?> FindAsync(long workspaceId, string runId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.First<RefRow>(null, "SELECT seq, id, experiment, status FROM runs WHERE workspace_id = @workspaceId AND id = @runId",
            new { workspaceId, runId }, cancellationToken);
        return row is null ? null : new RunRef(row.Seq, row.Id, row.Experiment, Enum.Parse<RunStatus>(row.Status));
    }

    public async Task<RunDto?> GetAsync(long workspaceId, string runId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<RunRows.RunRow>(null, $"SELECT {RunRows.Columns} FROM {RunRows.From} WHERE r.workspace_id = @workspaceId AND r.id = @runId",
            new { workspaceId, runId }, cancellationToken);
        return (await RunRows.LoadAsync(db.Dialect, c, null, rows, cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<RunDto>> ListChildrenAsync(long workspaceId, string runId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<RunRows.RunRow>(null,
            $"SELECT {RunRows.Columns} FROM {RunRows.From} WHERE r.workspace_id = @workspaceId AND r.parent_id = @runId ORDER BY r.seq",
            new { workspaceId, runId }, cancellationToken);
        return await RunRows.LoadAsync(db.Dialect, c, null, rows, cancellationToken);
    }

    public async Task<RunDto> UpdateAsync(long workspaceId, string runId, UpdateRunRequest update, DateTimeOffset time, CancellationToken cancellationToken)
    {
        await db.WriteAsync(async (c, t) =>
        {
            var run = await LockAsync(c, t, db.Dialect, workspaceId, runId, cancellationToken) ?? throw RunService.RunNotFound(runId);
            var ms = Times.ToMs(time);
            if (update.Status is { } next) await SetStatusAsync(c, t, run, runId, next, update.Error, ms, cancellationToken);
            if (update.Params is not null || update.Properties is not null)
            {
                var existing = await c.Query<RunRows.ValueRow>(t, "SELECT run_seq, kind, key, value FROM run_values WHERE run_seq = @Seq AND kind IN ('p', 'r')",
                    new { run.Seq }, cancellationToken);
                RunRules.CheckWriteOnce(runId, "Param", ErrorCodes.ParamImmutable,
                    existing.Where(v => v.Kind == RunRows.Param).ToDictionary(v => v.Key, v => v.Value), update.Params);
                RunRules.CheckWriteOnce(runId, "Property", ErrorCodes.PropertyImmutable,
                    existing.Where(v => v.Kind == RunRows.Property).ToDictionary(v => v.Key, v => v.Value), update.Properties);
                await InsertValuesAsync(c, t, run.Seq, RunRows.Param, update.Params, cancellationToken);
                await InsertValuesAsync(c, t, run.Seq, RunRows.Property, update.Properties, cancellationToken);
            }
            foreach (var (key, value) in update.Tags ?? [])
                await c.Execute(t, "INSERT INTO run_values (run_seq, kind, key, value) VALUES (@Seq, 't', @key, @value) " +
                    "ON CONFLICT (run_seq, kind, key) DO UPDATE SET value = excluded.value", new { run.Seq, key, value }, cancellationToken);
            foreach (var key in update.RemoveTags ?? [])
                await c.Execute(t, "DELETE FROM run_values WHERE run_seq = @Seq AND kind = 't' AND key = @key", new { run.Seq, key }, cancellationToken);
            if (update.DisplayName is not null || update.Description is not null)
                await c.Execute(t, "UPDATE runs SET display_name = COALESCE(@DisplayName, display_name), description = COALESCE(@Description, description) WHERE seq = @Seq",
                    new { update.DisplayName, update.Description, run.Seq }, cancellationToken);
            await c.Execute(t, "UPDATE experiments SET last_activity_ms = @ms WHERE id = @ExperimentId", new { ms, run.ExperimentId }, cancellationToken);
            return 0;
        }, cancellationToken);
        return await GetAsync(workspaceId, runId, cancellationToken) ?? throw RunService.RunNotFound(runId);
    }

    private static async Task InsertValuesAsync(DbConnection c, DbTransaction t, long seq, string kind, IReadOnlyDictionary<string, string>? values, CancellationToken ct)
    {
        foreach (var (key, value) in values ?? new Dictionary<string, string>())
            await c.Execute(t, "INSERT INTO run_values (run_seq, kind, key, value) VALUES (@seq, @kind, @key, @value) ON CONFLICT (run_seq, kind, key) DO NOTHING",
                new { seq, kind, key, value }, ct);
    }

    private sealed class ExperimentRow
    {
        public string Name { get; set; } = "";
        public long CreatedMs { get; set; }
        public long LastActivityMs { get; set; }
        public long RunCount { get; set; }
        public ExperimentDto ToDto() => new(Name, Times.FromMs(CreatedMs), Times.FromMs(LastActivityMs), RunCount);
    }

    private sealed class ParentRow
    {
        public long Seq { get; set; }
        public string RootId { get; set; } = "";
    }

    private sealed class RefRow
    {
        public long Seq { get; set; }
        public string Id { get; set; } = "";
        public string Experiment { get; set; } = "";
        public string Status { get; set; } = "";
    }

    internal sealed class StateRow
    {
        public long Seq { get; set; }
        public long ExperimentId { get; set; }
        public string Status { get; set; } = "";
        public long? StartMs { get; set; }
        public long? EndMs { get; set; }
        public string StatusHistory { get; set; } = "[]";
    }
}
