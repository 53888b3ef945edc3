using System.Data.Common;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Execution;
using Loom.Core.Identity;

namespace Loom.Store;

/// <summary>Progress reports, cancels, agents leaving or lost, and how the end of a run's last node ends the run.</summary>
public sealed partial class SqlExecutionStore
{
    // jobs.cancel_requested: why the job's nodes are told to stop.
    private const long CancelByUser = 1;
    private const long CancelBySiblingFailure = 2;

    public Task<AgentOrdersDto> ReportAsync(string agentId, string runId, RunStatus status, int? exitCode, string? error, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var ms = Times.ToMs(now);
            var agent = await LockAgentAsync(c, t, db.Dialect, agentId, cancellationToken) ?? throw AgentNotFound(agentId);
            if (AgentStates.IsGone(agent.State)) throw Retired(agentId, agent.State);
            var job = await LockJobAsync(c, t, db.Dialect, agent.WorkspaceId, runId, cancellationToken);
            var node = job is null ? null : await c.First<NodeRow>(t,
                $"SELECT {NodeColumns} FROM job_nodes WHERE job_id = @Id AND agent_id = @agentId",
                new { job.Id, agentId }, cancellationToken);
            if (job is null || node is null)
                throw new LoomException(ErrorCodes.JobNotFound, $"Agent '{agentId}' holds no part of run '{runId}'.");
            await c.Execute(t, "UPDATE agents SET last_seen_ms = @ms WHERE id = @agentId", new { ms, agentId }, cancellationToken);
            if (status.IsTerminal())
            {
                await EndNodeAsync(c, t, job.WorkspaceId, job.Id, node.NodeRank, status, exitCode, error, ms, cancellationToken);
                agent.CurrentRunId = null;
            }
            else if (node.State == NodeRunning)
            {
                var run = await SqlRunStore.LockAsync(c, t, db.Dialect, job.WorkspaceId, runId, cancellationToken);
                var current = Enum.Parse<RunStatus>(run!.Status);
                // Nodes report in any order: a run only moves forward, and never out of CancelRequested.
                if (current < status && current < RunStatus.CancelRequested)
                    await SqlRunStore.SetStatusAsync(c, t, run, runId, status, null, ms, cancellationToken);
            }
            return await OrdersAsync(c, t, agent, cancellationToken);
        }, cancellationToken);

    public Task<bool> LeaveAsync(string agentId, string state, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var agent = await LockAgentAsync(c, t, db.Dialect, agentId, cancellationToken);
            if (agent is null) return false;
            if (!AgentStates.IsGone(agent.State)) await RemoveAgentAsync(c, t, agent, state, reason, Times.ToMs(now), cancellationToken);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ExpireAsync(DateTimeOffset cutoff, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync<IReadOnlyList<string>>(async (c, t) =>
        {
            var ms = Times.ToMs(now);
            var expired = await c.Query<AgentRow>(t,
                $"SELECT {AgentColumns} FROM agents WHERE state IN ('starting', 'idle', 'busy', 'retiring') AND last_seen_ms < @cutoff ORDER BY id{db.Dialect.ForUpdate}",
                new { cutoff = Times.ToMs(cutoff) }, cancellationToken);
            foreach (var agent in expired) await RemoveAgentAsync(c, t, agent, AgentStates.Lost, "agent lost", ms, cancellationToken);
            return expired.Select(a => a.Id).ToList();
        }, cancellationToken);

    public Task<bool> CancelAsync(long workspaceId, string runId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var ms = Times.ToMs(now);
            var job = await LockJobAsync(c, t, db.Dialect, workspaceId, runId, cancellationToken);
            if (job is null || job.State == Ended) return false;
            var run = await SqlRunStore.LockAsync(c, t, db.Dialect, workspaceId, runId, cancellationToken);
            if (job.NodesClaimed == 0)
            {
                await c.Execute(t, "UPDATE jobs SET state = 'ended', cancel_requested = @CancelByUser WHERE id = @Id", new { CancelByUser, job.Id }, cancellationToken);
                await SqlRunStore.SetStatusAsync(c, t, run!, runId, RunStatus.Canceled, null, ms, cancellationToken);
                return true;
            }
            if (job.CancelRequested == 0) job.CancelRequested = CancelByUser;
            // With no node running (the claimed ones all ended, the rest never will start), nobody is left to end the run.
            job.State = job.NodesEnded == job.NodesClaimed ? Ended : Placed;
            await c.Execute(t, "UPDATE jobs SET cancel_requested = @CancelRequested, state = @State WHERE id = @Id",
                new { job.CancelRequested, job.State, job.Id }, cancellationToken);
            if (job.State == Ended) await FinishRunAsync(c, t, workspaceId, job, job.ReadSpec().NodeCount, ms, cancellationToken);
            else if (!Enum.Parse<RunStatus>(run!.Status).IsTerminal())
                await SqlRunStore.SetStatusAsync(c, t, run, runId, RunStatus.CancelRequested, null, ms, cancellationToken);
            return true;
        }, cancellationToken);

    private async Task RemoveAgentAsync(DbConnection c, DbTransaction t, AgentRow agent, string state, string reason, long ms, CancellationToken cancellationToken)
    {
        foreach (var node in await c.Query<NodeRow>(t,
            $"SELECT {NodeColumns} FROM job_nodes WHERE agent_id = @Id AND state = 'running'",
            new { agent.Id }, cancellationToken))
            await EndNodeAsync(c, t, agent.WorkspaceId, node.JobId, node.NodeRank, RunStatus.Failed, null, reason, ms, cancellationToken);
        await c.Execute(t, "UPDATE agents SET state = @state, current_run_id = NULL WHERE id = @Id", new { state, agent.Id }, cancellationToken);
        // A lost agent keeps its token, so when it comes back it hears 'agent_retired' rather than a bare 401.
        if (state == AgentStates.Left) await SqlTokenStore.RevokeSubjectAsync(c, t, TokenKinds.Agent, agent.Id, ms, cancellationToken);
    }

    /// <summary>
    /// Ends one node's part of a job (once: a repeated report changes nothing). A node that did not complete stops
    /// its siblings; the run ends when every claimed node has ended and no rank waits any more.
    /// </summary>
    private async Task EndNodeAsync(DbConnection c, DbTransaction t, long workspaceId, long jobId, long rank, RunStatus status, int? exitCode,
        string? error, long ms, CancellationToken cancellationToken)
    {
        var job = await c.First<JobRow>(t, $"SELECT {JobColumns} FROM jobs WHERE id = @jobId{db.Dialect.ForUpdate}", new { jobId }, cancellationToken);
        var updated = await c.Execute(t,
            "UPDATE job_nodes SET state = @state, exit_code = @exitCode, error = @error WHERE job_id = @jobId AND node_rank = @rank AND state = 'running'",
            new { state = status.ToString(), exitCode, error, jobId, rank }, cancellationToken);
        if (job is null || updated == 0) return;
        var agentId = await c.First<string>(t, "SELECT agent_id FROM job_nodes WHERE job_id = @jobId AND node_rank = @rank", new { jobId, rank }, cancellationToken);
        await c.Execute(t,
            "UPDATE agents SET state = CASE WHEN state = 'busy' THEN 'idle' ELSE state END, current_run_id = NULL, idle_since_ms = @ms " +
            "WHERE id = @agentId AND current_run_id = @RunId", new { ms, agentId, job.RunId }, cancellationToken);
        job.NodesEnded++;
        var spec = job.ReadSpec();
        if (status != RunStatus.Completed && job.CancelRequested == 0)
        {
            job.CancelRequested = status == RunStatus.Canceled ? CancelByUser : CancelBySiblingFailure;
            if (job.State == Queued) job.State = Placed;
        }
        var over = job.NodesEnded == spec.NodeCount || (job.CancelRequested != 0 && job.State != Queued && job.NodesEnded == job.NodesClaimed);
        if (over) job.State = Ended;
        await c.Execute(t, "UPDATE jobs SET nodes_ended = @NodesEnded, cancel_requested = @CancelRequested, state = @State WHERE id = @Id",
            new { job.NodesEnded, job.CancelRequested, job.State, job.Id }, cancellationToken);
        if (over) await FinishRunAsync(c, t, workspaceId, job, spec.NodeCount, ms, cancellationToken);
    }

    /// <summary>Ends the run of an ended job from how its nodes ended, and revokes its run tokens.</summary>
    private async Task FinishRunAsync(DbConnection c, DbTransaction t, long workspaceId, JobRow job, int nodeCount, long ms, CancellationToken cancellationToken)
    {
        var nodes = await c.Query<NodeRow>(t, $"SELECT {NodeColumns} FROM job_nodes WHERE job_id = @Id ORDER BY node_rank",
            new { job.Id }, cancellationToken);
        var failed = nodes.FirstOrDefault(n => n.State == nameof(RunStatus.Failed));
        var (final, finalError) = job.CancelRequested == CancelByUser ? (RunStatus.Canceled, (string?)null)
            : failed is not null ? (RunStatus.Failed, NodeError(failed, nodeCount))
            : (RunStatus.Completed, null);
        var run = await SqlRunStore.LockAsync(c, t, db.Dialect, workspaceId, job.RunId, cancellationToken);
        if (run is not null && !Enum.Parse<RunStatus>(run.Status).IsTerminal())
            await SqlRunStore.SetStatusAsync(c, t, run, job.RunId, final, finalError, ms, cancellationToken);
        await SqlTokenStore.RevokeSubjectAsync(c, t, TokenKinds.Run, job.RunId, ms, cancellationToken);
    }

    private static string NodeError(NodeRow node, int nodeCount)
    {
        var error = node.Error ?? (node.ExitCode is { } code ? $"exit code {code}" : "failed");
        return nodeCount > 1 ? $"node {node.NodeRank}: {error}" : error;
    }
}
