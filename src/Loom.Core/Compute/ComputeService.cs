using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Workspaces;
using Microsoft.Extensions.Logging;

namespace Loom.Core.Compute;

/// <summary>Creates, reads, changes and deletes compute targets. No agents register yet: nodes are empty and the queue is 0.</summary>
public sealed partial class ComputeService(IComputeStore store, TimeProvider time, ILogger<ComputeService> logger)
{
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
        return ToDto(await store.GetAsync(workspace.Id, name, cancellationToken) ?? throw NotFound(name));
    }

    public async Task<IReadOnlyList<ComputeDto>> ListAsync(WorkspaceRecord workspace, CancellationToken cancellationToken) =>
        (await store.ListAsync(workspace.Id, cancellationToken)).Select(ToDto).ToList();

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
        return ToDto(updated);
    }

    public async Task DeleteAsync(WorkspaceRecord workspace, string name, CancellationToken cancellationToken)
    {
        Validate.Name(name, "Compute");
        if (!await store.DeleteAsync(workspace.Id, name, cancellationToken)) throw NotFound(name);
        LogDeleted(logger, name);
    }

    private static ComputeDto ToDto(ComputeRecord record) => new(record.Name, record.Type, record.MinNodes, record.MaxNodes, record.IdleSeconds,
        record.Description, record.Tags, record.CreatedTime, [], 0);

    private static LoomException NotFound(string name) => LoomException.NotFound(ErrorCodes.ComputeNotFound, "Compute target", name);

    [LoggerMessage(EventId = 800, Level = LogLevel.Information, Message = "Compute target {Name} created (type {Type})")]
    private static partial void LogCreated(ILogger logger, string name, string type);

    [LoggerMessage(EventId = 801, Level = LogLevel.Information, Message = "Compute target {Name} changed")]
    private static partial void LogUpdated(ILogger logger, string name);

    [LoggerMessage(EventId = 802, Level = LogLevel.Information, Message = "Compute target {Name} deleted")]
    private static partial void LogDeleted(ILogger logger, string name);
}
