using Microsoft.Extensions.DependencyInjection;

namespace Loom.Core.Environments;

public static class EnvironmentExtensions
{
    /// <summary>Registers the environment service; map its endpoints with <see cref="EnvironmentEndpoints.MapEnvironments"/>.</summary>
    public static IServiceCollection AddEnvironments(this IServiceCollection services) => services
        .AddSingleton<EnvironmentService>();
}
