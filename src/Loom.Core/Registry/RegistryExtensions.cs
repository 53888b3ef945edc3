using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Core.Registry;

public static class RegistryExtensions
{
    /// <summary>Registers the model registry; a serving feature adds an <see cref="IModelUsage"/> so models in use are kept.</summary>
    public static IServiceCollection AddRegistry(this IServiceCollection services) => services
        .AddSingleton<ModelService>();

    public static IEndpointRouteBuilder MapRegistry(this IEndpointRouteBuilder app) => app.MapModels();
}
