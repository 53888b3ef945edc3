using System.Data.Common;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Tracking;

namespace Loom.Store;

/// <summary>The run writes other stores repeat inside their own transactions (a submitted run, a status an agent reports).</summary>
public sealed partial class SqlRunStore
{
    /// <summary>Inserts a run, creating its experiment on first use.</summary>
    internal static async Task InsertAsync(DbConnection c, DbTransaction t, long workspaceId, NewRun run, CancellationToken cancellationToken)
    {
        var ms = Times.ToMs(run.Time);
        long? parentSeq = null;
        var rootId = run.Id;
        if (run.ParentRunId is not null)
        {
            var parent = await c.First<ParentRow>(t, "SELECT seq, root_id FROM runs WHERE workspace_id = @workspaceId AND id = @id",
                new { workspaceId, id = run.ParentRunId }, cancellationToken) ?? throw RunService.RunNotFound(run.ParentRunId);
            parentSeq = parent.Seq;
            rootId = parent.RootId;
        }
        var experimentId = await c.Scalar<long>(t,
            "INSERT INTO experiments (workspace_id, name, created_ms, last_activity_ms, run_count) VALUES (@workspaceId, @name, @ms, @ms, 1) " +
            "ON CONFLICT (workspace_id, name) DO UPDATE SET last_activity_ms = excluded.last_activity_ms, run_count = experiments.run_count + 1 RETURNING id",
            new { workspaceId, name = run.Experiment, ms }, cancellationToken);
        var history = JsonSerializer.Serialize(new[] { new StatusChange(run.Status, Times.FromMs(ms)) }, LoomJson.Options);
        var seq = await c.Scalar<long>(t,
            "INSERT INTO runs (id, workspace_id, experiment_id, experiment, parent_seq, parent_id, root_id, display_name, description, status, " +
            "created_ms, start_ms, status_history) VALUES (@Id, @workspaceId, @experimentId, @Experiment, @parentSeq, @ParentRunId, @rootId, " +
            "@DisplayName, @Description, @status, @ms, @startMs, @history) RETURNING seq",
            new
            {
                run.Id, workspaceId, experimentId, run.Experiment, parentSeq, run.ParentRunId, rootId, run.DisplayName, run.Description,
                status = run.Status.ToString(), ms, startMs = run.Status == RunStatus.Running ? ms : (long?)null, history,
            }, cancellationToken);
        await InsertValuesAsync(c, t, seq, RunRows.Param, run.Params, cancellationToken);
        await InsertValuesAsync(c, t, seq, RunRows.Tag, run.Tags, cancellationToken);
        await InsertValuesAsync(c, t, seq, RunRows.Property, run.Properties, cancellationToken);
    }

    /// <summary>Reads a run's status row, locked for the rest of the transaction; null when the run is unknown.</summary>
    internal static Task<StateRow?> LockAsync(DbConnection c, DbTransaction t, SqlDialect dialect, long workspaceId, string runId, CancellationToken cancellationToken) =>
        c.First<StateRow>(t,
            "SELECT seq, experiment_id, status, start_ms, end_ms, status_history FROM runs WHERE workspace_id = @workspaceId AND id = @runId" + dialect.ForUpdate,
            new { workspaceId, runId }, cancellationToken);

    /// <summary>Moves a locked run to <paramref name="next"/> under <see cref="RunRules"/>, recording the time of the change.</summary>
    internal static async Task SetStatusAsync(DbConnection c, DbTransaction t, StateRow run, string runId, RunStatus next, string? error, long ms,
        CancellationToken cancellationToken)
    {
        var current = Enum.Parse<RunStatus>(run.Status);
        RunRules.CheckTransition(runId, current, next);
        if (next == current) return;
        var history = JsonSerializer.Deserialize<List<StatusChange>>(run.StatusHistory, LoomJson.Options) ?? [];
        history.Add(new StatusChange(next, Times.FromMs(ms)));
        await c.Execute(t,
            "UPDATE runs SET status = @status, status_history = @history, start_ms = @start, end_ms = @end, error = COALESCE(@error, error) WHERE seq = @Seq",
            new
            {
                status = next.ToString(), history = JsonSerializer.Serialize(history, LoomJson.Options), run.Seq, error,
                start = run.StartMs ?? (next == RunStatus.Running ? ms : null),
                end = next.IsTerminal() ? ms : run.EndMs,
            }, cancellationToken);
        await c.Execute(t, "UPDATE experiments SET last_activity_ms = @ms WHERE id = @ExperimentId", new { ms, run.ExperimentId }, cancellationToken);
    }
}
