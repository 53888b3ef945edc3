using Loom.Core.Common;

namespace Loom.Core.Compute;

/// <summary>A stored compute target (its policy; nodes and queue are not stored here).</summary>
public sealed record ComputeRecord(string Name, string Type, int MinNodes, int MaxNodes, int IdleSeconds, string? Description,
    IReadOnlyDictionary<string, string> Tags, DateTimeOffset CreatedTime);

public interface IComputeStore
{
    /// <summary>
    /// Stores a new target and returns its name, or null when the name is taken. A replayed idempotency key
    /// answers with the name stored the first time.
    /// </summary>
    Task<string?> CreateAsync(long workspaceId, ComputeRecord compute, IdempotentRequest? idempotency, CancellationToken cancellationToken);

    Task<ComputeRecord?> GetAsync(long workspaceId, string name, CancellationToken cancellationToken);

    /// <summary>Every target, by name.</summary>
    Task<IReadOnlyList<ComputeRecord>> ListAsync(long workspaceId, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the target with its row locked, applies <paramref name="change"/> (which may throw to refuse it) and
    /// stores the result; null when the name is unknown.
    /// </summary>
    Task<ComputeRecord?> UpdateAsync(long workspaceId, string name, Func<ComputeRecord, ComputeRecord> change, CancellationToken cancellationToken);

    /// <summary>Deletes a target; false when the name is unknown.</summary>
    Task<bool> DeleteAsync(long workspaceId, string name, CancellationToken cancellationToken);
}
