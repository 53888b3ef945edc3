using System.Data.Common;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Execution;
using Loom.Core.Identity;
using Loom.Core.Tracking;

namespace Loom.Store;

/// <summary>Claims and heartbeats: agents taking the ranks of queued jobs, FIFO per compute target.</summary>
public sealed partial class SqlExecutionStore
{
    /// <summary>The first rendezvous port of a job; its id spreads concurrent jobs over a range.</summary>
    private const int FirstMasterPort = 29500;

    public Task<ClaimedJob?> ClaimAsync(string agentId, DateTimeOffset now, Func<string, string, TokenRecord> runToken, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var ms = Times.ToMs(now);
            var agent = await LockAgentAsync(c, t, db.Dialect, agentId, cancellationToken) ?? throw AgentNotFound(agentId);
            if (agent.State is AgentStates.Retiring or AgentStates.Lost or AgentStates.Left) throw Retired(agentId, agent.State);
            // A node still marked as this agent's is one the agent never heard of (the claim's answer was lost: hand it out
            // again while its run has not started) or one of a previous life of the agent (it restarted: that part is lost).
            JobRow? job = null;
            var rank = 0;
            foreach (var stale in await c.Query<NodeRow>(t,
                $"SELECT {NodeColumns} FROM job_nodes WHERE agent_id = @agentId AND state = 'running'",
                new { agentId }, cancellationToken))
            {
                var held = await c.First<JobRow>(t, $"SELECT {JobColumns} FROM jobs WHERE id = @JobId{db.Dialect.ForUpdate}", new { stale.JobId }, cancellationToken);
                var status = held is null ? null : await c.First<string>(t, "SELECT status FROM runs WHERE workspace_id = @WorkspaceId AND id = @RunId",
                    new { held.WorkspaceId, held.RunId }, cancellationToken);
                if (job is null && held is { CancelRequested: 0 } && held.State != Ended && status == nameof(RunStatus.Preparing))
                    (job, rank) = (held, (int)stale.NodeRank);
                else
                    await EndNodeAsync(c, t, agent.WorkspaceId, stale.JobId, stale.NodeRank, RunStatus.Failed, null, "agent restarted", ms, cancellationToken);
            }
            if (job is not null) return await HandOutAsync(c, t, agent, job, rank, ms, runToken, cancellationToken);

            job = await NextJobAsync(c, t, agent, cancellationToken);
            if (job is null)
            {
                await c.Execute(t,
                    "UPDATE agents SET last_seen_ms = @ms, current_run_id = NULL, idle_since_ms = CASE WHEN state = 'idle' THEN idle_since_ms ELSE @ms END, " +
                    "state = 'idle' WHERE id = @agentId", new { ms, agentId }, cancellationToken);
                return null;
            }
            rank = (int)job.NodesClaimed;
            var spec = job.ReadSpec();
            if (rank == 0)
            {
                job.MasterAddress = agent.Host;
                job.MasterPort = FirstMasterPort + job.Id % 500;
            }
            job.NodesClaimed++;
            job.State = job.NodesClaimed == spec.NodeCount ? Placed : Queued;
            await c.Execute(t,
                "UPDATE jobs SET nodes_claimed = @NodesClaimed, state = @State, master_address = @MasterAddress, master_port = @MasterPort WHERE id = @Id",
                new { job.NodesClaimed, job.State, job.MasterAddress, job.MasterPort, job.Id }, cancellationToken);
            await c.Execute(t, "INSERT INTO job_nodes (job_id, node_rank, agent_id, host, state) VALUES (@Id, @rank, @agentId, @Host, 'running')",
                new { job.Id, rank, agentId, agent.Host }, cancellationToken);
            return await HandOutAsync(c, t, agent, job, rank, ms, runToken, cancellationToken);
        }, cancellationToken);

    /// <summary>Makes the agent busy with a rank of the job, starts preparing the run and stores a fresh run token for it.</summary>
    private async Task<ClaimedJob> HandOutAsync(DbConnection c, DbTransaction t, AgentRow agent, JobRow job, int rank, long ms,
        Func<string, string, TokenRecord> runToken, CancellationToken cancellationToken)
    {
        await c.Execute(t, "UPDATE agents SET state = 'busy', current_run_id = @RunId, last_seen_ms = @ms WHERE id = @Id",
            new { job.RunId, ms, agent.Id }, cancellationToken);
        var run = await SqlRunStore.LockAsync(c, t, db.Dialect, job.WorkspaceId, job.RunId, cancellationToken);
        if (run!.Status == nameof(RunStatus.Queued))
            await SqlRunStore.SetStatusAsync(c, t, run, job.RunId, RunStatus.Preparing, null, ms, cancellationToken);
        var names = await c.First<NamesRow>(t,
            "SELECT r.experiment AS experiment, w.name AS workspace FROM runs r JOIN workspaces w ON w.id = r.workspace_id WHERE r.seq = @Seq",
            new { run.Seq }, cancellationToken);
        await SqlTokenStore.InsertAsync(c, t, runToken(names!.Workspace, job.RunId), cancellationToken);
        return new ClaimedJob(job.ToRecord(), rank, names.Experiment, names.Workspace);
    }

    public Task<AgentOrdersDto> HeartbeatAsync(string agentId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var agent = await LockAgentAsync(c, t, db.Dialect, agentId, cancellationToken) ?? throw AgentNotFound(agentId);
            if (AgentStates.IsGone(agent.State)) throw Retired(agentId, agent.State);
            await c.Execute(t, "UPDATE agents SET last_seen_ms = @ms, state = CASE WHEN state = 'starting' THEN 'idle' ELSE state END WHERE id = @agentId",
                new { ms = Times.ToMs(now), agentId }, cancellationToken);
            return await OrdersAsync(c, t, agent, cancellationToken);
        }, cancellationToken);

    public Task<bool> RetireAsync(string agentId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await c.Execute(t,
            "UPDATE agents SET state = 'retiring' WHERE id = @agentId AND state IN ('idle', 'starting')", new { agentId }, cancellationToken) > 0,
            cancellationToken);

    /// <summary>The oldest queued job of the agent's target whose run can still start; jobs of runs that ended meanwhile are closed on the way.</summary>
    private async Task<JobRow?> NextJobAsync(DbConnection c, DbTransaction t, AgentRow agent, CancellationToken cancellationToken)
    {
        // PostgreSQL: concurrent claims skip a job another claim holds instead of queueing behind it.
        var skipLocked = db.Dialect.ForUpdate.Length == 0 ? "" : " FOR UPDATE SKIP LOCKED";
        while (true)
        {
            var job = await c.First<JobRow>(t,
                $"SELECT {JobColumns} FROM jobs WHERE workspace_id = @WorkspaceId AND compute_name = @ComputeName AND state = 'queued' ORDER BY id LIMIT 1{skipLocked}",
                new { agent.WorkspaceId, agent.ComputeName }, cancellationToken);
            if (job is null) return null;
            var status = await c.First<string>(t, "SELECT status FROM runs WHERE workspace_id = @WorkspaceId AND id = @RunId",
                new { job.WorkspaceId, job.RunId }, cancellationToken);
            if (status is not null && !Enum.Parse<RunStatus>(status).IsTerminal() && status != nameof(RunStatus.CancelRequested)) return job;
            await c.Execute(t, "UPDATE jobs SET state = 'ended' WHERE id = @Id", new { job.Id }, cancellationToken);
        }
    }

    private static async Task<AgentOrdersDto> OrdersAsync(DbConnection c, DbTransaction t, AgentRow agent, CancellationToken cancellationToken)
    {
        var cancel = agent.CurrentRunId is { } runId && await c.First<long?>(t,
            "SELECT cancel_requested FROM jobs WHERE workspace_id = @WorkspaceId AND run_id = @runId",
            new { agent.WorkspaceId, runId }, cancellationToken) > 0;
        return new AgentOrdersDto(cancel, agent.State == AgentStates.Retiring);
    }

    private sealed class NamesRow
    {
        public string Experiment { get; set; } = "";
        public string Workspace { get; set; } = "";
    }
}
