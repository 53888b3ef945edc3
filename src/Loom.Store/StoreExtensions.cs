using Loom.Core.Compute;
using Loom.Core.Environments;
using Loom.Core.Execution;
using Loom.Core.Hosting;
using Loom.Core.Identity;
using Loom.Core.Registry;
using Loom.Core.Serving;
using Loom.Core.Snapshots;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Store;

public static class StoreExtensions
{
    /// <summary>Registers the shared SQL stores over a provider's database.</summary>
    public static IServiceCollection AddLoomStore(this IServiceCollection services, LoomDatabase database) => services
        .AddSingleton(database)
        .AddSingleton<IWorkspaceStore, SqlWorkspaceStore>()
        .AddSingleton<ITokenStore, SqlTokenStore>()
        .AddSingleton<IRunStore, SqlRunStore>()
        .AddSingleton<IMetricStore, SqlMetricStore>()
        .AddSingleton<IArtifactStore, SqlArtifactStore>()
        .AddSingleton<ISnapshotStore, SqlSnapshotStore>()
        .AddSingleton<ILogStore, SqlLogStore>()
        .AddSingleton<IEnvironmentStore, SqlEnvironmentStore>()
        .AddSingleton<IModelStore, SqlModelStore>()
        .AddSingleton<IComputeStore, SqlComputeStore>()
        .AddSingleton<IEndpointStore, SqlEndpointStore>()
        .AddSingleton<IEndpointTelemetryStore, SqlEndpointTelemetryStore>()
        .AddSingleton<IExecutionStore, SqlExecutionStore>()
        .AddSingleton<IMaintenanceStore, SqlMaintenanceStore>();
}
