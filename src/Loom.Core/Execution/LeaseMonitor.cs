using Loom.Core.Identity;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loom.Core.Execution;

/// <summary>Declares agents that missed their lease lost; the runs they held fail as <c>agent lost</c>.</summary>
public sealed partial class LeaseMonitor(IExecutionStore store, TokenService tokens, IOptions<ExecutionOptions> options, TimeProvider time,
    ILogger<LeaseMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.TickSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var now = time.GetUtcNow();
                var lost = await store.ExpireAsync(now.AddSeconds(-options.Value.LeaseSeconds), now, stoppingToken);
                if (lost.Count > 0) tokens.ForgetCached();
                foreach (var agentId in lost) LogLost(logger, agentId, options.Value.LeaseSeconds);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 920, Level = LogLevel.Warning, Message = "Agent {AgentId} missed its {LeaseSeconds} s lease and is lost; its run fails as 'agent lost'")]
    private static partial void LogLost(ILogger logger, string agentId, int leaseSeconds);

    [LoggerMessage(EventId = 921, Level = LogLevel.Warning, Message = "Lease check failed; it runs again next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
