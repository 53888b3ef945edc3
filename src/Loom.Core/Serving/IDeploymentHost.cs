using Loom.Contracts;

namespace Loom.Core.Serving;

/// <summary>A model version of a deployment with its files (paths as registered, e.g. <c>model.pkl</c>).</summary>
public sealed record DeployedModel(string Name, int Version, IReadOnlyList<SnapshotEntryDto> Files);

/// <summary>
/// Everything a host needs to run one generation of a deployment: models, source folder (a snapshot), entry
/// script, environment and sizing. <see cref="Generation"/> grows with each update of the deployment.
/// </summary>
public sealed record DeploymentPlan(
    long WorkspaceId,
    string Workspace,
    string Endpoint,
    string Deployment,
    int Generation,
    IReadOnlyList<DeployedModel> Models,
    EnvironmentDto Environment,
    string? SnapshotId,
    IReadOnlyList<SnapshotEntryDto> SourceFiles,
    string? EntryScript,
    int MinReplicas,
    int MaxReplicas,
    int WorkersPerReplica,
    int MaxConcurrentRequestsPerReplica,
    int RequestTimeoutMs,
    string? SampleRequest,
    IReadOnlyDictionary<string, string> Variables);

/// <summary>How proving a generation went: every worker's <c>init()</c>, then the sample request when there is one.</summary>
public sealed record DeploymentProof(bool Succeeded, string? Error, string InitLog, string? SampleResponse);

/// <summary>
/// What scoring one request gave. <see cref="ErrorCode"/> is null on success; otherwise one of
/// <c>invalid_scoring_input</c> (the body is not the input the deployment declares), <c>scoring_error</c> (the script's run raised), <c>worker_crashed</c>, <c>scoring_timeout</c>, <c>overloaded</c>,
/// <c>deployment_not_ready</c>, with <see cref="Body"/> the message.
/// </summary>
public sealed record ScoreResult(string? ErrorCode, ReadOnlyMemory<byte> Body, string ContentType, TimeSpan? RetryAfter = null);

/// <summary>What a deployment runs right now.</summary>
public sealed record DeploymentRuntime(int Generation, int Replicas, int Workers, int BusyWorkers, int Queued);

/// <summary>
/// Runs deployments: Python worker pools (or an in-process ONNX session) that score requests. The control plane
/// (<c>DeploymentService</c>) decides what runs; the host runs it and reports.
/// </summary>
public interface IDeploymentHost
{
    /// <summary>
    /// Prepares and starts a generation (its minimum of replicas), proves it, and on success lets it take the
    /// deployment's requests, draining the previous generation without dropping any; on failure stops it and leaves
    /// the previous generation serving.
    /// </summary>
    Task<DeploymentProof> StartAsync(DeploymentPlan plan, CancellationToken cancellationToken);

    /// <summary>Stops every generation of a deployment once its in-flight requests are answered.</summary>
    Task StopAsync(long workspaceId, string endpoint, string deployment, CancellationToken cancellationToken);

    /// <summary>Scores one request on the deployment's serving generation.</summary>
    Task<ScoreResult> ScoreAsync(long workspaceId, string endpoint, string deployment, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);

    /// <summary>The serving generation's state, or null when nothing serves.</summary>
    DeploymentRuntime? Runtime(long workspaceId, string endpoint, string deployment);

    /// <summary>The deployment's recent log (worker init output, errors), oldest first, at most <paramref name="maxLines"/> lines.</summary>
    IReadOnlyList<string> Logs(long workspaceId, string endpoint, string deployment, int maxLines);
}
