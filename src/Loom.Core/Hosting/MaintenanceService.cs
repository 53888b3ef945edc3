using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loom.Core.Hosting;

/// <summary>Runs store housekeeping on a timer: idempotency keys older than their window are dropped, planner statistics refreshed.</summary>
public sealed partial class MaintenanceService(IMaintenanceStore store, IOptions<MaintenanceOptions> options, TimeProvider time,
    ILogger<MaintenanceService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                var before = (time.GetUtcNow() - options.Value.IdempotencyWindow).ToUnixTimeMilliseconds();
                var pruned = await store.PruneIdempotencyKeysAsync(before, stoppingToken);
                if (pruned > 0) LogPruned(logger, pruned);
                await store.RefreshStatisticsAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Pruned {Count} expired idempotency keys")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Housekeeping failed; it will run again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
