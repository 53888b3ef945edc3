using Loom.Blobs;
using Loom.Core.Serving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loom.Serving;

public static class ServingHostExtensions
{
    /// <summary>
    /// Registers the <see cref="DeploymentHost"/> as the server's <see cref="IDeploymentHost"/>: generations prepared
    /// under <c>DATA/serving/</c>, venvs shared with local agents under <c>DATA/agents/cache</c>, every worker stopped
    /// when the server stops.
    /// </summary>
    public static IServiceCollection AddDeploymentHost(this IServiceCollection services, string dataDirectory,
        Action<DeploymentHostOptions>? configure = null)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("Loom's deployment host runs on Linux.");
        var options = services.AddOptions<DeploymentHostOptions>().BindConfiguration("DeploymentHost")
            .Configure(o => o.DataDirectory = dataDirectory);
        if (configure is not null) options.Configure(configure);
        options.Validate(o => o.IsValid(), "DeploymentHost: DataDirectory and Python are required; LogLines, InitTimeout, ScaleDownAfter and ScaleInterval must be positive.")
            .ValidateOnStart();
        // The container disposes the host with the server, which stops every worker.
        services.AddSingleton<IDeploymentHost>(sp => OperatingSystem.IsLinux() ? Create(sp) : throw new PlatformNotSupportedException());
        return services;
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static DeploymentHost Create(IServiceProvider services) => new(services.GetRequiredService<IOptions<DeploymentHostOptions>>().Value,
        services.GetRequiredService<IBlobStore>(), services.GetRequiredService<ILogger<DeploymentHost>>(),
        services.GetService<TimeProvider>() ?? TimeProvider.System);
}
