using System.Data.Common;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Store;

/// <summary>Idempotency keys are written in the same transaction as the work they guard, so a replay sees both or neither.</summary>
internal static class IdempotencyRecords
{
    /// <summary>The stored answer for a replayed key, or null when the key is new.</summary>
    public static async Task<string?> FindAsync(DbConnection c, DbTransaction t, long workspaceId, IdempotentRequest? request, CancellationToken ct)
    {
        if (request is null) return null;
        var stored = await c.First<IdempotencyRow>(t,
            "SELECT request_hash, response FROM idempotency WHERE workspace_id = @workspaceId AND key = @Key",
            new { workspaceId, request.Key }, ct);
        if (stored is null) return null;
        if (stored.RequestHash != request.RequestHash)
            throw new LoomException(ErrorCodes.IdempotencyKeyReused,
                $"Idempotency-Key '{request.Key}' was already used for a different request.");
        return stored.Response;
    }

    public static Task SaveAsync(DbConnection c, DbTransaction t, long workspaceId, IdempotentRequest? request, string response, long nowMs, CancellationToken ct) =>
        request is null
            ? Task.CompletedTask
            : c.Execute(t, "INSERT INTO idempotency (workspace_id, key, request_hash, response, created_ms) VALUES (@workspaceId, @Key, @RequestHash, @response, @nowMs)",
                new { workspaceId, request.Key, request.RequestHash, response, nowMs }, ct);

    private sealed class IdempotencyRow
    {
        public string RequestHash { get; set; } = "";
        public string Response { get; set; } = "";
    }
}
