using System.Security.Claims;
using System.Security.Cryptography;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Compute;
using Loom.Core.Identity;
using Loom.Core.Workspaces;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loom.Core.Execution;

/// <summary>The server's side of the agent protocol: registration, long-poll claims, heartbeats, progress reports.</summary>
public sealed partial class AgentService(
    IExecutionStore store, WorkspaceService workspaces, ComputeService computes, TokenService tokens, JobSignals signals,
    IOptions<ExecutionOptions> options, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<AgentService> logger)
{
    public const int MaxWaitSeconds = 30;
    // Claims re-read the queue this often even without a signal, for jobs queued through another replica.
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(2);

    /// <summary>Registers an agent for a caller holding the Contributor role in the workspace (a user token, never an agent's or a run's).</summary>
    public async Task<AgentRegisteredDto> RegisterAsync(ClaimsPrincipal caller, RegisterAgentRequest request, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.ResolveAsync(request.Workspace ?? WorkspaceService.DefaultName, cancellationToken);
        if (caller.TokenKind() != TokenKinds.User || caller.RoleIn(workspace.Name) is not >= Role.Contributor)
            throw new LoomException(ErrorCodes.Forbidden, $"Registering an agent needs a user token with the Contributor role in workspace '{workspace.Name}'.");
        if (string.IsNullOrEmpty(request.Compute)) throw new LoomException(ErrorCodes.InvalidRequest, "compute is required: name the compute target to join.");
        var compute = await computes.GetAsync(workspace, request.Compute, cancellationToken);
        var host = request.Host?.Trim();
        if (string.IsNullOrEmpty(host) || host.Length > 255 || host.Any(char.IsControl))
            throw new LoomException(ErrorCodes.InvalidRequest, "host is required: the agent's host name (at most 255 characters).");
        if (request.Cores < 0 || request.MemoryBytes < 0 || request.Gpus < 0)
            throw new LoomException(ErrorCodes.InvalidRequest, "cores, memoryBytes and gpus cannot be negative.");
        var (agent, secret) = await AddAsync(workspace, compute.Name, host, request.Cores, request.MemoryBytes, request.Gpus, AgentStates.Idle,
            provisioned: false, cancellationToken);
        return new AgentRegisteredDto(agent.Id, secret, workspace.Name, compute.Name, options.Value.HeartbeatSeconds, options.Value.LeaseSeconds);
    }

    /// <summary>Adds an agent the local provisioner is about to launch (state starting); returns it and its token.</summary>
    public Task<(AgentRecord Agent, string Token)> ProvisionAsync(WorkspaceRecord workspace, string compute, CancellationToken cancellationToken) =>
        AddAsync(workspace, compute, Environment.MachineName, Environment.ProcessorCount, null, null, AgentStates.Starting, provisioned: true, cancellationToken);

    /// <summary>Waits up to <paramref name="waitSeconds"/> for the next rank of a queued job of the agent's target; null when none came.</summary>
    public async Task<JobDto?> ClaimAsync(string agentId, int? waitSeconds, CancellationToken cancellationToken)
    {
        var wait = waitSeconds ?? MaxWaitSeconds;
        if (wait is < 0 or > MaxWaitSeconds) throw new LoomException(ErrorCodes.InvalidRequest, $"waitSeconds must be from 0 to {MaxWaitSeconds}.");
        var agent = await store.GetAgentAsync(agentId, cancellationToken) ?? throw AgentNotFound(agentId);
        var deadline = time.GetUtcNow().AddSeconds(wait);
        while (true)
        {
            string? secret = null;
            ClaimedJob? claimed;
            try
            {
                claimed = await store.ClaimAsync(agentId, time.GetUtcNow(), (workspace, runId) =>
                {
                    var (record, token) = tokens.NewScoped(TokenKinds.Run, runId, workspace);
                    secret = token;
                    return record;
                }, cancellationToken);
            }
            catch (LoomException e) when (e.Code == ErrorCodes.AgentRetired)
            {
                // A retired agent hears this once and exits: it has left, whether or not it says so.
                if ((await store.GetAgentAsync(agentId, cancellationToken))?.State == AgentStates.Retiring)
                    await store.LeaveAsync(agentId, AgentStates.Left, "agent retired", time.GetUtcNow(), cancellationToken);
                throw;
            }
            if (claimed is not null)
            {
                LogClaimed(logger, claimed.Job.RunId, claimed.NodeRank, agentId);
                return ToJob(claimed, secret!);
            }
            var left = deadline - time.GetUtcNow();
            // A stopping server answers waiting agents at once instead of holding its shutdown for their long polls.
            if (left <= TimeSpan.Zero || lifetime.ApplicationStopping.IsCancellationRequested) return null;
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
            try { await signals.WaitAsync(agent.WorkspaceId, agent.Compute, left < PollEvery ? left : PollEvery, waiting.Token); }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { return null; }
        }
    }

    public async Task<AgentOrdersDto> HeartbeatAsync(string agentId, CancellationToken cancellationToken) =>
        await store.HeartbeatAsync(agentId, time.GetUtcNow(), cancellationToken);

    /// <summary>Applies a node's progress; the last node's end ends the run and revokes its run tokens.</summary>
    public async Task<AgentOrdersDto> ReportAsync(string agentId, string runId, JobStatusRequest request, CancellationToken cancellationToken)
    {
        var status = request.Status ?? throw new LoomException(ErrorCodes.InvalidStatus, "status is required.");
        if (status is not (RunStatus.Preparing or RunStatus.Running or RunStatus.Finalizing or RunStatus.Completed or RunStatus.Failed or RunStatus.Canceled))
            throw new LoomException(ErrorCodes.InvalidStatus, $"An agent reports Preparing, Running, Finalizing, Completed, Failed or Canceled, not {status}.");
        if (request.Error is { Length: > 10_000 }) throw new LoomException(ErrorCodes.InvalidRequest, "error is limited to 10,000 characters.");
        var orders = await store.ReportAsync(agentId, runId, status, request.ExitCode, request.Error, time.GetUtcNow(), cancellationToken);
        if (status.IsTerminal())
        {
            tokens.ForgetCached();
            LogNodeEnded(logger, runId, agentId, status, request.Error ?? "");
        }
        return orders;
    }

    /// <summary>An agent exits cleanly: a part of a run it still held fails as <c>agent left</c>.</summary>
    public async Task LeaveAsync(string agentId, CancellationToken cancellationToken)
    {
        if (!await store.LeaveAsync(agentId, AgentStates.Left, "agent left", time.GetUtcNow(), cancellationToken)) throw AgentNotFound(agentId);
        tokens.ForgetCached();
        LogLeft(logger, agentId);
    }

    private async Task<(AgentRecord Agent, string Token)> AddAsync(WorkspaceRecord workspace, string compute, string host, int? cores, long? memory, int? gpus,
        string state, bool provisioned, CancellationToken cancellationToken)
    {
        var id = "agt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var now = Times.Now(time);
        var agent = new AgentRecord(id, workspace.Id, compute, host, cores, memory, gpus, state, null, provisioned, now, now, now);
        var (token, secret) = tokens.NewScoped(TokenKinds.Agent, id, workspace.Name);
        await store.InsertAgentAsync(agent, token, cancellationToken);
        LogRegistered(logger, id, compute, host);
        return (agent, secret);
    }

    private static JobDto ToJob(ClaimedJob claimed, string runToken)
    {
        var spec = claimed.Job.Spec;
        return new JobDto(claimed.Job.RunId, claimed.WorkspaceName, claimed.Experiment, runToken, spec.SnapshotId, spec.Environment, spec.Script,
            spec.Command, spec.Arguments, spec.Variables, spec.MaxDurationSeconds, spec.Distribution, spec.NodeCount, spec.ProcessCountPerNode,
            claimed.NodeRank, claimed.Job.MasterAddress ?? "127.0.0.1", claimed.Job.MasterPort ?? 29500);
    }

    private static LoomException AgentNotFound(string agentId) => LoomException.NotFound(ErrorCodes.AgentNotFound, "Agent", agentId);

    [LoggerMessage(EventId = 910, Level = LogLevel.Information, Message = "Agent {AgentId} joined compute target {Compute} from {Host}")]
    private static partial void LogRegistered(ILogger logger, string agentId, string compute, string host);

    [LoggerMessage(EventId = 911, Level = LogLevel.Information, Message = "Run {RunId} node {Rank} claimed by agent {AgentId}")]
    private static partial void LogClaimed(ILogger logger, string runId, int rank, string agentId);

    [LoggerMessage(EventId = 912, Level = LogLevel.Information, Message = "Run {RunId}: agent {AgentId} ended its part as {Status} {Error}")]
    private static partial void LogNodeEnded(ILogger logger, string runId, string agentId, RunStatus status, string error);

    [LoggerMessage(EventId = 913, Level = LogLevel.Information, Message = "Agent {AgentId} left")]
    private static partial void LogLeft(ILogger logger, string agentId);
}
