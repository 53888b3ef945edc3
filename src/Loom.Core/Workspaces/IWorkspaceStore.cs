namespace Loom.Core.Workspaces;

public interface IWorkspaceStore
{
    Task<WorkspaceRecord?> FindAsync(string name, CancellationToken cancellationToken);
    Task<IReadOnlyList<WorkspaceRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Creates a workspace; returns null when the name is taken.</summary>
    Task<WorkspaceRecord?> CreateAsync(string name, string? description, DateTimeOffset time, CancellationToken cancellationToken);

    Task<(long Experiments, long Runs)> CountAsync(long workspaceId, CancellationToken cancellationToken);

    /// <summary>What the workspace holds besides runs (environments, compute targets, snapshots, models), by kind; empty kinds are left out.</summary>
    Task<IReadOnlyDictionary<string, long>> CountAssetsAsync(long workspaceId, CancellationToken cancellationToken);

    /// <summary>Deletes the workspace and everything in it.</summary>
    Task DeleteAsync(long workspaceId, CancellationToken cancellationToken);
}
