using System.Data.Common;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Store;

/// <summary>
/// Idempotency keys are claimed at the start of the transaction that does the work and answered at its
/// end, so a replay sees both or neither. A concurrent request with the same key waits on the claimed
/// row (PostgreSQL) or the write lock (SQLite) and then finds the first answer.
/// </summary>
internal static class IdempotencyRecords
{
    /// <summary>Claims a new key and returns null, or returns the stored answer of a replayed one.</summary>
    public static async Task<string?> ClaimAsync(DbConnection c, DbTransaction t, long workspaceId, IdempotentRequest? request, long nowMs, CancellationToken ct)
    {
        if (request is null) return null;
        var claimed = await c.Execute(t,
            "INSERT INTO idempotency (workspace_id, key, request_hash, response, created_ms) VALUES (@workspaceId, @Key, @RequestHash, '', @nowMs) " +
            "ON CONFLICT (workspace_id, key) DO NOTHING", new { workspaceId, request.Key, request.RequestHash, nowMs }, ct);
        if (claimed == 1) return null;
        var stored = await c.First<IdempotencyRow>(t,
            "SELECT request_hash, response FROM idempotency WHERE workspace_id = @workspaceId AND key = @Key",
            new { workspaceId, request.Key }, ct) ?? throw new InvalidOperationException("A conflicting idempotency key vanished.");
        if (stored.RequestHash != request.RequestHash)
            throw new LoomException(ErrorCodes.IdempotencyKeyReused,
                $"Idempotency-Key '{request.Key}' was already used for a different request.");
        return stored.Response;
    }

    /// <summary>Records the answer for a key claimed in this transaction.</summary>
    public static Task SaveAsync(DbConnection c, DbTransaction t, long workspaceId, IdempotentRequest? request, string response, CancellationToken ct) =>
        request is null
            ? Task.CompletedTask
            : c.Execute(t, "UPDATE idempotency SET response = @response WHERE workspace_id = @workspaceId AND key = @Key",
                new { workspaceId, request.Key, response }, ct);

    private sealed class IdempotencyRow
    {
        public string RequestHash { get; set; } = "";
        public string Response { get; set; } = "";
    }
}
