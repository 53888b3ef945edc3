using Loom.Core.Registry;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Core.Serving;

public static class ServingExtensions
{
    /// <summary>
    /// Registers endpoints, deployments (the registry's <see cref="IModelUsage"/>), scoring and request telemetry. The deployment host
    /// (<see cref="IDeploymentHost"/>, optionally <see cref="IDeploymentSchemas"/>) registers itself with its own extension; without
    /// one, deployments fail with a message that says so. Needs a <c>SecretBox</c> for the endpoint keys.
    /// </summary>
    public static IServiceCollection AddServing(this IServiceCollection services, Action<EndpointOptions>? configure = null)
    {
        var options = services.AddOptions<EndpointOptions>().BindConfiguration("Endpoints")
            .Validate(o => o.TelemetryFlushMilliseconds >= 1 && o.TelemetryBatchSize >= 1 && o.TelemetryQueueLimit >= o.TelemetryBatchSize
                    && o.TelemetryRetentionDays >= 1 && o.EndpointCacheSeconds >= 0 && o.ReconcileSeconds > 0 && o.MaxRequestBytes >= 1 && o.MetricsMaxRows >= 1,
                "Endpoints: flush time, batch size, retention, reconcile interval, request size and metrics rows must be positive; the queue at least a batch.")
            .ValidateOnStart();
        if (configure is not null) options.Configure(configure);
        services
            .AddSingleton<DeploymentPlanner>()
            .AddSingleton<EndpointDirectory>()
            .AddSingleton<DeploymentRollouts>()
            .AddSingleton<EndpointService>()
            .AddSingleton<DeploymentService>()
            .AddSingleton<IModelUsage>(sp => sp.GetRequiredService<DeploymentService>())
            .AddSingleton<EndpointMetricsService>()
            .AddSingleton<EndpointTelemetry>()
            .AddSingleton<EndpointTelemetryIntake>()
            .AddSingleton<ScoringInstruments>()
            .AddSingleton<ScoringService>()
            .AddHostedService(sp => sp.GetRequiredService<EndpointTelemetry>())
            .AddHostedService(sp => sp.GetRequiredService<DeploymentRollouts>());
        return services;
    }

    /// <summary>Maps the control plane under <c>/api/v1/workspaces/{ws}/endpoints</c> and the scoring routes under <c>/endpoints</c>.</summary>
    public static IEndpointRouteBuilder MapServing(this IEndpointRouteBuilder app) => app.MapEndpoints().MapScoring();
}
