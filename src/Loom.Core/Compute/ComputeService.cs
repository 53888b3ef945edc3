using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Execution;
using Loom.Core.Workspaces;
using Microsoft.Extensions.Logging;

namespace Loom.Core.Compute;

/// <summary>Creates, reads, changes and deletes compute targets, and lists their nodes (agents) and queues.</summary>
public sealed partial class ComputeService(IComputeStore store, IExecutionStore execution, TimeProvider time, ILogger<ComputeService> logger)
{
    // A lost node stays in listings this long, so users see what happened to it.
    private static readonly TimeSpan ShowLostFor = TimeSpan.FromMinutes(10);

    public const int MaxLiveJobsListed = 1000;

    public async Task<ComputeDto> CreateAsync(WorkspaceRecord workspace, CreateComputeRequest request, IdempotentRequest? idempotency,
        CancellationToken cancellationToken)
    {
        var name = Validate.Name(request.Name, "Compute");
        var compute = ComputeRules.Check(new ComputeRecord(name, ComputeRules.Type(request.Type),
            request.MinNodes ?? ComputeRules.DefaultMinNodes, request.MaxNodes ?? Math.Max(ComputeRules.DefaultMaxNodes, request.MinNodes ?? 0),
            request.IdleSeconds ?? ComputeRules.DefaultIdleSeconds, request.Description, request.Tags ?? [], Times.Now(time)));
        var stored = await store.CreateAsync(workspace.Id, compute, idempotency, cancellationToken)
            ?? throw new LoomException(ErrorCodes.ComputeExists, $"Compute target '{name}' already exists; change it with PATCH or delete it first.");
        LogCreated(logger, stored, compute.Type);
        return await GetAsync(workspace, stored, cancellationToken);
    }

    public async Task<ComputeDto> GetAsync(WorkspaceRecord workspace, string name, CancellationToken cancellationToken)
    {
        Validate.Name(name, "Compute");
        var record = await store.GetAsync(workspace.Id, name, cancellationToken) ?? throw NotFound(name);
        return await ToDtoAsync(workspace, record, await execution.QueuedNodesAsync(workspace.Id, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<ComputeDto>> ListAsync(WorkspaceRecord workspace, CancellationToken cancellationToken)
    {
        var queued = await execution.QueuedNodesAsync(workspace.Id, cancellationToken);
        var list = new List<ComputeDto>();
        foreach (var record in await store.ListAsync(workspace.Id, cancellationToken))
            list.Add(await ToDtoAsync(workspace, record, queued, cancellationToken));
        return list;
    }

    /// <summary>
    /// The runs a target holds: those waiting for nodes (state <c>queued</c>) and those its nodes run (<c>placed</c>), oldest first, at most
    /// <paramref name="limit"/>. An unknown target holds none.
    /// </summary>
    public async Task<IReadOnlyList<LiveJobRecord>> ListLiveJobsAsync(WorkspaceRecord workspace, string name, int limit, CancellationToken cancellationToken)
    {
        Validate.Name(name, "Compute");
        if (limit is < 1 or > MaxLiveJobsListed) throw new LoomException(ErrorCodes.InvalidRequest, $"limit must be from 1 to {MaxLiveJobsListed}.");
        return await execution.ListLiveJobsAsync(workspace.Id, name, limit, cancellationToken);
    }

    public async Task<ComputeDto> UpdateAsync(WorkspaceRecord workspace, string name, UpdateComputeRequest request, CancellationToken cancellationToken)
    {
        Validate.Name(name, "Compute");
        // Checked once before the store is touched, so a bad field fails alike whether or not the name exists.
        Validate.KeyValues(request.Tags, "Tag");
        var updated = await store.UpdateAsync(workspace.Id, name, current => ComputeRules.Check(current with
        {
            MinNodes = request.MinNodes ?? current.MinNodes,
            MaxNodes = request.MaxNodes ?? current.MaxNodes,
            IdleSeconds = request.IdleSeconds ?? current.IdleSeconds,
            Description = request.Description ?? current.Description,
            Tags = request.Tags ?? current.Tags,
        }), cancellationToken) ?? throw NotFound(name);
        LogUpdated(logger, name);
        return await GetAsync(workspace, updated.Name, cancellationToken);
    }

    public async Task DeleteAsync(WorkspaceRecord workspace, string name, CancellationToken cancellationToken)
    {
        Validate.Name(name, "Compute");
        if (await execution.CountLiveJobsAsync(workspace.Id, name, cancellationToken) is > 0 and var live)
            throw new LoomException(ErrorCodes.ComputeInUse, $"Compute target '{name}' has {live} queued or running run(s); cancel them or wait for them to end.");
        if (!await store.DeleteAsync(workspace.Id, name, cancellationToken)) throw NotFound(name);
        // Its agents have nothing left to claim: they exit at their next call.
        foreach (var agent in await execution.ListAgentsAsync(workspace.Id, name, time.GetUtcNow(), cancellationToken))
            await execution.RetireAsync(agent.Id, time.GetUtcNow(), cancellationToken);
        LogDeleted(logger, name);
    }

    private async Task<ComputeDto> ToDtoAsync(WorkspaceRecord workspace, ComputeRecord record, IReadOnlyDictionary<(long, string), int> queued,
        CancellationToken cancellationToken)
    {
        var agents = await execution.ListAgentsAsync(workspace.Id, record.Name, time.GetUtcNow() - ShowLostFor, cancellationToken);
        var nodes = agents.Select(a => new NodeDto(a.Id, a.Host, NodeState(a.State), a.CurrentRunId, a.LastSeenTime)).ToList();
        return new ComputeDto(record.Name, record.Type, record.MinNodes, record.MaxNodes, record.IdleSeconds, record.Description, record.Tags,
            record.CreatedTime, nodes, queued.GetValueOrDefault((workspace.Id, record.Name)));
    }

    // A retiring agent is still idle to the user: it leaves at its next call.
    private static string NodeState(string state) => state == AgentStates.Retiring ? NodeStates.Idle : state;

    private static LoomException NotFound(string name) => LoomException.NotFound(ErrorCodes.ComputeNotFound, "Compute target", name);

    [LoggerMessage(EventId = 800, Level = LogLevel.Information, Message = "Compute target {Name} created (type {Type})")]
    private static partial void LogCreated(ILogger logger, string name, string type);

    [LoggerMessage(EventId = 801, Level = LogLevel.Information, Message = "Compute target {Name} changed")]
    private static partial void LogUpdated(ILogger logger, string name);

    [LoggerMessage(EventId = 802, Level = LogLevel.Information, Message = "Compute target {Name} deleted")]
    private static partial void LogDeleted(ILogger logger, string name);
}
