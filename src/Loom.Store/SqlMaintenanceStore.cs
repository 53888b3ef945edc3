using Loom.Core.Hosting;

namespace Loom.Store;

public sealed class SqlMaintenanceStore(LoomDatabase db) : IMaintenanceStore
{
    public Task<int> PruneIdempotencyKeysAsync(long beforeMs, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.Execute(t, "DELETE FROM idempotency WHERE created_ms < @beforeMs", new { beforeMs }, cancellationToken), cancellationToken);

    public async Task RefreshStatisticsAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await c.Execute(null, db.Dialect.RefreshStatistics, null, cancellationToken);
    }
}
