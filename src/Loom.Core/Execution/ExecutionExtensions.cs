using Loom.Core.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Core.Execution;

public static class ExecutionExtensions
{
    /// <summary>
    /// Registers submission, the agent protocol, lease checks and the local provisioner; map the endpoints with
    /// <see cref="ExecutionEndpoints.MapExecution"/> and narrow agent and run tokens with <c>UseTokenScopes</c>.
    /// </summary>
    public static IServiceCollection AddExecution(this IServiceCollection services, Action<ExecutionOptions>? configure = null)
    {
        var options = services.AddOptions<ExecutionOptions>().BindConfiguration("Execution")
            .Validate(o => o.HeartbeatSeconds >= 1 && o.LeaseSeconds > o.HeartbeatSeconds && o.TickSeconds > 0,
                "Execution: HeartbeatSeconds must be 1 or more, LeaseSeconds more than HeartbeatSeconds, TickSeconds more than 0.")
            .ValidateOnStart();
        if (configure is not null) options.Configure(configure);
        return services
            .AddSingleton<JobSignals>()
            .AddSingleton<SubmissionService>()
            .AddSingleton<AgentService>()
            .AddSingleton<IRunJobs, RunJobs>()
            .AddSingleton<LocalAgentLauncher>()
            .AddHostedService<LeaseMonitor>()
            .AddHostedService<LocalProvisioner>();
    }
}
