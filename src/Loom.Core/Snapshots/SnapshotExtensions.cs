using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Core.Snapshots;

public static class SnapshotExtensions
{
    public static IServiceCollection AddSnapshots(this IServiceCollection services)
    {
        services.AddOptions<SnapshotOptions>().BindConfiguration("Snapshots")
            .Validate(o => o.MaxFiles > 0 && o.MaxBytes > 0 && o.MaxMissingQuery > 0, "Snapshot limits must be positive.")
            .ValidateOnStart();
        return services.AddSingleton<SnapshotService>();
    }

    public static IEndpointRouteBuilder MapSnapshots(this IEndpointRouteBuilder app) => app.MapSnapshotEndpoints();
}
