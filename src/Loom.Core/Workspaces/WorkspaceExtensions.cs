using Microsoft.Extensions.DependencyInjection;

namespace Loom.Core.Workspaces;

public static class WorkspaceExtensions
{
    public static IServiceCollection AddWorkspaces(this IServiceCollection services) =>
        services.AddSingleton<WorkspaceService>();
}
