namespace Loom.Core.Hosting;

/// <summary>Housekeeping the stores need now and then.</summary>
public interface IMaintenanceStore
{
    /// <summary>Forgets idempotency keys recorded before <paramref name="beforeMs"/>; returns how many.</summary>
    Task<int> PruneIdempotencyKeysAsync(long beforeMs, CancellationToken cancellationToken);

    /// <summary>Refreshes the query planner's statistics, so run searches keep good plans as tables grow.</summary>
    Task RefreshStatisticsAsync(CancellationToken cancellationToken);
}
