using Microsoft.Extensions.DependencyInjection;

namespace Loom.Core.Compute;

public static class ComputeExtensions
{
    /// <summary>Registers the compute service; map its endpoints with <see cref="ComputeEndpoints.MapComputes"/>.</summary>
    public static IServiceCollection AddComputes(this IServiceCollection services) => services
        .AddSingleton<ComputeService>();
}
