using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Identity;
using Loom.Core.Tracking;

namespace Loom.Core.Execution;

/// <summary>A registered agent: a node of a compute target.</summary>
public sealed record AgentRecord(
    string Id, long WorkspaceId, string Compute, string Host, int? Cores, long? MemoryBytes, int? Gpus, string State,
    string? CurrentRunId, bool Provisioned, DateTimeOffset RegisteredTime, DateTimeOffset LastSeenTime, DateTimeOffset IdleSince);

/// <summary>A submitted run in its target's queue (state queued), placed on all its nodes (placed), or over (ended).</summary>
public sealed record JobRecord(
    long Id, long WorkspaceId, string RunId, string Compute, string State, JobSpec Spec, int NodesClaimed, int NodesEnded,
    bool CancelRequested, string? MasterAddress, int? MasterPort, DateTimeOffset QueuedTime);

/// <summary>A job still in its target: waiting for nodes (state queued) or running on them (placed); what a listing of the target shows.</summary>
public sealed record LiveJobRecord(string RunId, string State, int NodeCount, int NodesClaimed, DateTimeOffset QueuedTime);

/// <summary>One rank of a job on one agent: running, or how it ended (a <see cref="RunStatus"/> name).</summary>
public sealed record JobNodeRecord(int NodeRank, string AgentId, string Host, string State, int? ExitCode, string? Error);

/// <summary>A node's part of a job, as a claim hands it out.</summary>
public sealed record ClaimedJob(JobRecord Job, int NodeRank, string Experiment, string WorkspaceName);

/// <summary>What the local provisioner needs to know of one local compute target.</summary>
public sealed record ProvisioningTarget(
    long WorkspaceId, string WorkspaceName, string Compute, int MinNodes, int MaxNodes, int IdleSeconds, int QueuedNodes,
    IReadOnlyList<AgentRecord> Agents);

/// <summary>The job tables: submission, claims, progress reports, leases and what the provisioner reads.</summary>
public interface IExecutionStore
{
    /// <summary>Stores a run (status Queued) and its job in one transaction; a replayed idempotency key answers with the first run's id.</summary>
    Task<string> SubmitAsync(long workspaceId, NewRun run, string compute, JobSpec spec, IdempotentRequest? idempotency, CancellationToken cancellationToken);

    Task<JobRecord?> GetJobAsync(long workspaceId, string runId, CancellationToken cancellationToken);
    Task<IReadOnlyList<JobNodeRecord>> ListJobNodesAsync(long jobId, CancellationToken cancellationToken);

    /// <summary>Stores a new agent with its token.</summary>
    Task InsertAgentAsync(AgentRecord agent, TokenRecord token, CancellationToken cancellationToken);

    Task<AgentRecord?> GetAgentAsync(string agentId, CancellationToken cancellationToken);

    /// <summary>The agents of a target that have not left, and lost ones seen after <paramref name="lostSince"/>.</summary>
    Task<IReadOnlyList<AgentRecord>> ListAgentsAsync(long workspaceId, string compute, DateTimeOffset lostSince, CancellationToken cancellationToken);

    /// <summary>Queued node slots per target, keyed by (workspace id, compute name).</summary>
    Task<IReadOnlyDictionary<(long, string), int>> QueuedNodesAsync(long? workspaceId, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the agent the next rank of the oldest queued job of its target, FIFO, with the run token
    /// <paramref name="runToken"/> makes for that run (stored in the same transaction); null when nothing waits.
    /// Throws <c>agent_retired</c> for an agent that is retiring, lost or gone.
    /// </summary>
    Task<ClaimedJob?> ClaimAsync(string agentId, DateTimeOffset now, Func<string, string, TokenRecord> runToken, CancellationToken cancellationToken);

    /// <summary>Records that the agent is alive and returns its orders; throws <c>agent_retired</c> for a lost or gone agent.</summary>
    Task<AgentOrdersDto> HeartbeatAsync(string agentId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Applies a node's progress report; ends the run when its last node ends. Repeating a report changes nothing.</summary>
    Task<AgentOrdersDto> ReportAsync(string agentId, string runId, RunStatus status, int? exitCode, string? error, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>An agent exits: its running node fails as <paramref name="reason"/>, its token is revoked. False when unknown.</summary>
    Task<bool> LeaveAsync(string agentId, string state, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Agents not seen since <paramref name="cutoff"/> become lost; returns their ids.</summary>
    Task<IReadOnlyList<string>> ExpireAsync(DateTimeOffset cutoff, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels a submitted run: a job no agent took yet ends Canceled at once, a running one becomes CancelRequested
    /// (its agents hear of it). False when the run has no job.
    /// </summary>
    Task<bool> CancelAsync(long workspaceId, string runId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Asks an idle agent to exit (scale-down); false when it was not idle any more.</summary>
    Task<bool> RetireAsync(string agentId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every local compute target with its queue and agents, for the provisioner.</summary>
    Task<IReadOnlyList<ProvisioningTarget>> ProvisioningViewAsync(CancellationToken cancellationToken);

    /// <summary>The jobs of a target that are queued or running, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<LiveJobRecord>> ListLiveJobsAsync(long workspaceId, string compute, int limit, CancellationToken cancellationToken);

    /// <summary>Jobs of a target that are queued or running.</summary>
    Task<int> CountLiveJobsAsync(long workspaceId, string compute, CancellationToken cancellationToken);
}
