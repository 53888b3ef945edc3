using System.Data.Common;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Execution;
using Loom.Core.Identity;
using Loom.Core.Tracking;

namespace Loom.Store;

/// <summary>Jobs, their nodes and the agents that run them. Claims, reports and leases live in partial files of their own.</summary>
public sealed partial class SqlExecutionStore(LoomDatabase db) : IExecutionStore
{
    private const string AgentColumns =
        "id, workspace_id, compute_name, host, cores, memory_bytes, gpus, state, current_run_id, provisioned, registered_ms, last_seen_ms, idle_since_ms";
    private const string JobColumns =
        "id, workspace_id, run_id, compute_name, state, spec, nodes_claimed, nodes_ended, cancel_requested, master_address, master_port, queued_ms";

    private const string NodeColumns = "job_id, node_rank, agent_id, host, state, exit_code, error";

    private const string Queued = "queued";
    private const string Placed = "placed";
    private const string Ended = "ended";
    private const string NodeRunning = "running";

    public Task<string> SubmitAsync(long workspaceId, NewRun run, string compute, JobSpec spec, IdempotentRequest? idempotency,
        CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var ms = Times.ToMs(run.Time);
            if (await IdempotencyRecords.ClaimAsync(c, t, workspaceId, idempotency, ms, cancellationToken) is { } earlier) return earlier;
            await SqlRunStore.InsertAsync(c, t, workspaceId, run, cancellationToken);
            await c.Execute(t,
                "INSERT INTO jobs (workspace_id, run_id, compute_name, state, spec, node_count, nodes_claimed, nodes_ended, cancel_requested, queued_ms) " +
                "VALUES (@workspaceId, @runId, @compute, 'queued', @spec, @NodeCount, 0, 0, 0, @ms)",
                new { workspaceId, runId = run.Id, compute, spec = JsonSerializer.Serialize(spec, LoomJson.Options), spec.NodeCount, ms }, cancellationToken);
            await IdempotencyRecords.SaveAsync(c, t, workspaceId, idempotency, run.Id, cancellationToken);
            return run.Id;
        }, cancellationToken);

    public async Task<JobRecord?> GetJobAsync(long workspaceId, string runId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return (await c.First<JobRow>(null, $"SELECT {JobColumns} FROM jobs WHERE workspace_id = @workspaceId AND run_id = @runId",
            new { workspaceId, runId }, cancellationToken))?.ToRecord();
    }

    public async Task<IReadOnlyList<JobNodeRecord>> ListJobNodesAsync(long jobId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return (await c.Query<NodeRow>(null, "SELECT node_rank, agent_id, host, state, exit_code, error FROM job_nodes WHERE job_id = @jobId ORDER BY node_rank",
            new { jobId }, cancellationToken)).Select(n => n.ToRecord()).ToList();
    }

    public Task InsertAgentAsync(AgentRecord agent, TokenRecord token, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            await c.Execute(t,
                $"INSERT INTO agents ({AgentColumns}) VALUES (@Id, @WorkspaceId, @Compute, @Host, @Cores, @MemoryBytes, @Gpus, @State, NULL, @provisioned, " +
                "@registered, @registered, @registered)",
                new
                {
                    agent.Id, agent.WorkspaceId, agent.Compute, agent.Host, agent.Cores, agent.MemoryBytes, agent.Gpus, agent.State,
                    provisioned = agent.Provisioned ? 1L : 0L, registered = Times.ToMs(agent.RegisteredTime),
                }, cancellationToken);
            return await SqlTokenStore.InsertAsync(c, t, token, cancellationToken);
        }, cancellationToken);

    public async Task<AgentRecord?> GetAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return (await c.First<AgentRow>(null, $"SELECT {AgentColumns} FROM agents WHERE id = @agentId", new { agentId }, cancellationToken))?.ToRecord();
    }

    public async Task<IReadOnlyList<AgentRecord>> ListAgentsAsync(long workspaceId, string compute, DateTimeOffset lostSince, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return (await c.Query<AgentRow>(null,
            $"SELECT {AgentColumns} FROM agents WHERE workspace_id = @workspaceId AND compute_name = @compute AND state <> 'left' " +
            "AND (state <> 'lost' OR last_seen_ms >= @since) ORDER BY registered_ms, id",
            new { workspaceId, compute, since = Times.ToMs(lostSince) }, cancellationToken)).Select(a => a.ToRecord()).ToList();
    }

    public async Task<IReadOnlyDictionary<(long, string), int>> QueuedNodesAsync(long? workspaceId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<QueueRow>(null,
            "SELECT workspace_id, compute_name, SUM(node_count - nodes_claimed) AS nodes FROM jobs WHERE state = 'queued' " +
            (workspaceId is null ? "" : "AND workspace_id = @workspaceId ") + "GROUP BY workspace_id, compute_name",
            new { workspaceId }, cancellationToken);
        return rows.ToDictionary(r => (r.WorkspaceId, r.ComputeName), r => (int)r.Nodes);
    }

    public async Task<IReadOnlyList<LiveJobRecord>> ListLiveJobsAsync(long workspaceId, string compute, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.Query<LiveJobRow>(null,
            "SELECT run_id, state, node_count, nodes_claimed, queued_ms FROM jobs " +
            "WHERE workspace_id = @workspaceId AND compute_name = @compute AND state IN ('queued', 'placed') ORDER BY id LIMIT @limit",
            new { workspaceId, compute, limit = (long)limit }, cancellationToken);
        return rows.Select(r => new LiveJobRecord(r.RunId, r.State, (int)r.NodeCount, (int)r.NodesClaimed, Times.FromMs(r.QueuedMs))).ToList();
    }

    public async Task<int> CountLiveJobsAsync(long workspaceId, string compute, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return (int)await c.Scalar<long>(null,
            "SELECT COUNT(*) FROM jobs WHERE workspace_id = @workspaceId AND compute_name = @compute AND state <> 'ended'",
            new { workspaceId, compute }, cancellationToken);
    }

    private static Task<AgentRow?> LockAgentAsync(DbConnection c, DbTransaction t, SqlDialect dialect, string agentId, CancellationToken ct) =>
        c.First<AgentRow>(t, $"SELECT {AgentColumns} FROM agents WHERE id = @agentId{dialect.ForUpdate}", new { agentId }, ct);

    private static Task<JobRow?> LockJobAsync(DbConnection c, DbTransaction t, SqlDialect dialect, long workspaceId, string runId, CancellationToken ct) =>
        c.First<JobRow>(t, $"SELECT {JobColumns} FROM jobs WHERE workspace_id = @workspaceId AND run_id = @runId{dialect.ForUpdate}",
            new { workspaceId, runId }, ct);

    private static LoomException Retired(string agentId, string state) => new(ErrorCodes.AgentRetired, state switch
    {
        AgentStates.Retiring => $"Agent '{agentId}' was retired by its compute target's provisioner; it should exit.",
        AgentStates.Lost => $"Agent '{agentId}' missed its lease and was declared lost; register again.",
        _ => $"Agent '{agentId}' has left its compute target; register again.",
    });

    private static LoomException AgentNotFound(string agentId) => LoomException.NotFound(ErrorCodes.AgentNotFound, "Agent", agentId);

    internal sealed class AgentRow
    {
        public string Id { get; set; } = "";
        public long WorkspaceId { get; set; }
        public string ComputeName { get; set; } = "";
        public string Host { get; set; } = "";
        public long? Cores { get; set; }
        public long? MemoryBytes { get; set; }
        public long? Gpus { get; set; }
        public string State { get; set; } = "";
        public string? CurrentRunId { get; set; }
        public long Provisioned { get; set; }
        public long RegisteredMs { get; set; }
        public long LastSeenMs { get; set; }
        public long IdleSinceMs { get; set; }

        public AgentRecord ToRecord() => new(Id, WorkspaceId, ComputeName, Host, (int?)Cores, MemoryBytes, (int?)Gpus, State, CurrentRunId,
            Provisioned != 0, Times.FromMs(RegisteredMs), Times.FromMs(LastSeenMs), Times.FromMs(IdleSinceMs));
    }

    internal sealed class JobRow
    {
        public long Id { get; set; }
        public long WorkspaceId { get; set; }
        public string RunId { get; set; } = "";
        public string ComputeName { get; set; } = "";
        public string State { get; set; } = "";
        public string Spec { get; set; } = "";
        public long NodesClaimed { get; set; }
        public long NodesEnded { get; set; }
        public long CancelRequested { get; set; }
        public string? MasterAddress { get; set; }
        public long? MasterPort { get; set; }
        public long QueuedMs { get; set; }

        public JobSpec ReadSpec() => JsonSerializer.Deserialize<JobSpec>(Spec, LoomJson.Options)!;

        public JobRecord ToRecord() => new(Id, WorkspaceId, RunId, ComputeName, State, ReadSpec(), (int)NodesClaimed, (int)NodesEnded,
            CancelRequested != 0, MasterAddress, (int?)MasterPort, Times.FromMs(QueuedMs));
    }

    internal sealed class NodeRow
    {
        public long JobId { get; set; }
        public long NodeRank { get; set; }
        public string AgentId { get; set; } = "";
        public string Host { get; set; } = "";
        public string State { get; set; } = "";
        public long? ExitCode { get; set; }
        public string? Error { get; set; }

        public JobNodeRecord ToRecord() => new((int)NodeRank, AgentId, Host, State, (int?)ExitCode, Error);
    }

    private sealed class LiveJobRow
    {
        public string RunId { get; set; } = "";
        public string State { get; set; } = "";
        public long NodeCount { get; set; }
        public long NodesClaimed { get; set; }
        public long QueuedMs { get; set; }
    }

    private sealed class QueueRow
    {
        public long WorkspaceId { get; set; }
        public string ComputeName { get; set; } = "";
        public long Nodes { get; set; }
    }
}
