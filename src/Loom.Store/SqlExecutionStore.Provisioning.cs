using Loom.Core.Execution;

namespace Loom.Store;

/// <summary>What the local provisioner reads: local targets, their queued node slots and their live agents.</summary>
public sealed partial class SqlExecutionStore
{
    public async Task<IReadOnlyList<ProvisioningTarget>> ProvisioningViewAsync(CancellationToken cancellationToken)
    {
        var queued = await QueuedNodesAsync(null, cancellationToken);
        await using var c = await db.OpenAsync(cancellationToken);
        var targets = await c.Query<TargetRow>(null,
            "SELECT c.workspace_id, w.name AS workspace_name, c.name, c.min_nodes, c.max_nodes, c.idle_seconds " +
            "FROM computes c JOIN workspaces w ON w.id = c.workspace_id WHERE c.type = 'local' ORDER BY c.workspace_id, c.name",
            null, cancellationToken);
        var agents = (await c.Query<AgentRow>(null,
            $"SELECT {AgentColumns} FROM agents WHERE state IN ('starting', 'idle', 'busy', 'retiring') ORDER BY registered_ms, id", null, cancellationToken))
            .Select(a => a.ToRecord()).ToLookup(a => (a.WorkspaceId, a.Compute));
        return targets.Select(t => new ProvisioningTarget(t.WorkspaceId, t.WorkspaceName, t.Name, (int)t.MinNodes, (int)t.MaxNodes, (int)t.IdleSeconds,
            queued.GetValueOrDefault((t.WorkspaceId, t.Name)), agents[(t.WorkspaceId, t.Name)].ToList())).ToList();
    }

    private sealed class TargetRow
    {
        public long WorkspaceId { get; set; }
        public string WorkspaceName { get; set; } = "";
        public string Name { get; set; } = "";
        public long MinNodes { get; set; }
        public long MaxNodes { get; set; }
        public long IdleSeconds { get; set; }
    }
}
