using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Core.Tracking;

public static class TrackingExtensions
{
    public static IServiceCollection AddTracking(this IServiceCollection services) => services
        .AddSingleton<RunService>()
        .AddSingleton<MetricService>()
        .AddSingleton<ArtifactService>()
        .AddSingleton<LogService>()
        .AddSingleton<LogNotifier>();

    public static IEndpointRouteBuilder MapTracking(this IEndpointRouteBuilder app) =>
        app.MapRuns().MapMetrics().MapArtifacts().MapLogs();
}
