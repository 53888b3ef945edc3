using Loom.Core.Hosting;

namespace Loom.Store;

public sealed class SqlMaintenanceStore(LoomDatabase db) : IMaintenanceStore
{
    public Task<int> PruneIdempotencyKeysAsync(long beforeMs, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.Execute(t, "DELETE FROM idempotency WHERE created_ms < @beforeMs", new { beforeMs }, cancellationToken), cancellationToken);
}
