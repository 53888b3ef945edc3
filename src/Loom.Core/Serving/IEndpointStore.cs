using Loom.Core.Common;

namespace Loom.Core.Serving;

/// <summary>
/// A stored endpoint. <see cref="PrimaryKey"/> and <see cref="SecondaryKey"/> are sealed by the <c>SecretBox</c>;
/// <see cref="Deployments"/> are its deployments' names, by name.
/// </summary>
public sealed record EndpointRecord(long Id, string Name, string AuthMode, string? Description, IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, int> Traffic, string PrimaryKey, string SecondaryKey, DateTimeOffset CreatedTime, IReadOnlyList<string> Deployments);

/// <summary>
/// A stored deployment: its latest generation's spec and state, and the spec of the generation last proven
/// (<see cref="ServingSpec"/>), which is what serves and what a restarted server starts again.
/// </summary>
public sealed record DeploymentRecord(string Endpoint, string Name, DeploymentSpec Spec, int Generation, string State, string? Error, string? InitLog,
    DeploymentSpec? ServingSpec, int? ServingGeneration, DateTimeOffset CreatedTime, DateTimeOffset UpdatedTime);

/// <summary>A deployment with the workspace it is in.</summary>
public sealed record WorkspaceDeployment(long WorkspaceId, string Workspace, DeploymentRecord Deployment);

/// <summary>What creating a deployment did: whether the endpoint exists, and the name stored (null when taken); a replayed idempotency key is <see cref="Replayed"/>.</summary>
public sealed record DeploymentCreation(bool EndpointFound, string? Name, bool Replayed);

/// <summary>How proving a generation went, as recorded.</summary>
public sealed record DeploymentOutcome(bool Succeeded, string? Error, string? InitLog, DateTimeOffset Time);

public interface IEndpointStore
{
    /// <summary>Stores a new endpoint and returns its name, or null when the name is taken; a replayed idempotency key answers with the first name.</summary>
    Task<string?> CreateAsync(long workspaceId, EndpointRecord endpoint, IdempotentRequest? idempotency, CancellationToken cancellationToken);

    Task<EndpointRecord?> GetAsync(long workspaceId, string name, CancellationToken cancellationToken);

    /// <summary>Every endpoint, by name.</summary>
    Task<IReadOnlyList<EndpointRecord>> ListAsync(long workspaceId, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the endpoint with its row locked, applies <paramref name="change"/> (which may throw to refuse it) and stores its traffic,
    /// description, tags and keys; null when the name is unknown.
    /// </summary>
    Task<EndpointRecord?> UpdateAsync(long workspaceId, string name, Func<EndpointRecord, EndpointRecord> change, CancellationToken cancellationToken);

    /// <summary>Deletes an endpoint with its deployments and telemetry; returns the deployments' names, or null when the name is unknown.</summary>
    Task<IReadOnlyList<string>?> DeleteAsync(long workspaceId, string name, CancellationToken cancellationToken);

    Task<DeploymentCreation> CreateDeploymentAsync(long workspaceId, string endpoint, DeploymentRecord deployment, IdempotentRequest? idempotency,
        CancellationToken cancellationToken);

    Task<DeploymentRecord?> GetDeploymentAsync(long workspaceId, string endpoint, string name, CancellationToken cancellationToken);

    /// <summary>An endpoint's deployments by name; null when the endpoint is unknown.</summary>
    Task<IReadOnlyList<DeploymentRecord>?> ListDeploymentsAsync(long workspaceId, string endpoint, CancellationToken cancellationToken);

    /// <summary>Every deployment of a workspace (for model usage).</summary>
    Task<IReadOnlyList<DeploymentRecord>> ListWorkspaceDeploymentsAsync(long workspaceId, CancellationToken cancellationToken);

    /// <summary>Every deployment that serves or is being proven, in every workspace (for a restarted server).</summary>
    Task<IReadOnlyList<WorkspaceDeployment>> ListLiveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Reads the deployment with its row locked, applies <paramref name="change"/> (which may throw) and stores its spec, generation and
    /// state; null when the endpoint or deployment is unknown.
    /// </summary>
    Task<DeploymentRecord?> UpdateDeploymentAsync(long workspaceId, string endpoint, string name, Func<DeploymentRecord, DeploymentRecord> change,
        CancellationToken cancellationToken);

    /// <summary>
    /// Records how proving <paramref name="generation"/> went, unless a newer generation replaced it (then false). A success makes the
    /// generation the serving one and, when the endpoint's traffic is empty, gives the deployment all of it.
    /// </summary>
    Task<bool> CompleteAsync(long workspaceId, string endpoint, string name, int generation, DeploymentOutcome outcome, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a deployment after <paramref name="check"/> accepted it (it sees the endpoint locked, and may throw) and drops it from the
    /// traffic; false when the endpoint or deployment is unknown.
    /// </summary>
    Task<bool> DeleteDeploymentAsync(long workspaceId, string endpoint, string name, Action<EndpointRecord> check, CancellationToken cancellationToken);
}
