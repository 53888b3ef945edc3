namespace Loom.Contracts;

/// <summary>How callers of an endpoint's scoring URI authenticate.</summary>
public static class EndpointAuthModes
{
    /// <summary><c>Authorization: Bearer &lt;primaryKey|secondaryKey&gt;</c>, as in Azure ML.</summary>
    public const string Key = "key";

    /// <summary>A Loom token with the Reader role (or more) in the endpoint's workspace.</summary>
    public const string Token = "token";

    public static IReadOnlyList<string> All { get; } = [Key, Token];
}

/// <summary>The two keys of an endpoint, either of which authenticates a scoring call.</summary>
public static class EndpointKeyTypes
{
    public const string Primary = "primary";
    public const string Secondary = "secondary";
}

/// <summary>The states of a deployment's latest generation.</summary>
public static class DeploymentStates
{
    /// <summary>Being proven: its workers start, run <c>init()</c> and answer the sample request.</summary>
    public const string Updating = "Updating";

    /// <summary>Proven and serving.</summary>
    public const string Succeeded = "Succeeded";

    /// <summary>The proof failed; <c>error</c> and <c>initLog</c> say why. A previous generation keeps serving.</summary>
    public const string Failed = "Failed";
}

/// <summary>The header that pins a scoring call to one deployment (and names the deployment that answered).</summary>
public static class ScoringHeaders
{
    public const string Deployment = "azureml-model-deployment";
}

/// <summary><c>POST /endpoints</c>: <see cref="AuthMode"/> is <c>key</c> (default) or <c>token</c>.</summary>
public sealed record CreateEndpointRequest(
    string? Name,
    string? AuthMode = null,
    string? Description = null,
    Dictionary<string, string>? Tags = null);

/// <summary>
/// <c>PATCH /endpoints/{name}</c>: the fields given replace the stored ones. <see cref="Traffic"/> maps deployment names to
/// integer weights 0..100 summing to 100 (or is empty: no traffic).
/// </summary>
public sealed record UpdateEndpointRequest(
    Dictionary<string, int>? Traffic = null,
    string? Description = null,
    Dictionary<string, string>? Tags = null);

/// <summary>
/// An online endpoint: a stable scoring URI routing each request to one of <see cref="Deployments"/> by
/// <see cref="Traffic"/> weight. Its keys are read with <c>GET /endpoints/{name}/keys</c>, never listed here.
/// </summary>
public sealed record EndpointDto(
    string Name,
    string AuthMode,
    string ScoringUri,
    string SwaggerUri,
    IReadOnlyDictionary<string, int> Traffic,
    IReadOnlyList<string> Deployments,
    string? Description,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset CreatedTime);

/// <summary>An endpoint's keys, sent as <c>Authorization: Bearer &lt;key&gt;</c> by scoring callers in key mode.</summary>
public sealed record EndpointKeysDto(string PrimaryKey, string SecondaryKey);

/// <summary><c>POST /endpoints/{name}/keys/regenerate</c>: <see cref="KeyType"/> is <c>primary</c> or <c>secondary</c>.</summary>
public sealed record RegenerateKeyRequest(string? KeyType);

/// <summary>
/// <c>POST /endpoints/{name}/deployments</c>. <see cref="Models"/> are <c>name:version</c> or <c>name</c> (the latest version,
/// resolved now); <see cref="Environment"/> is <c>name[:version]</c> (default <c>system</c>); <see cref="SnapshotId"/> is the
/// source folder, uploaded as a run's is, holding <see cref="EntryScript"/> (null only for a no-code ONNX model). Unset numbers
/// take their defaults: 1 replica, max(1, min) at most, 2 workers per replica, 4 concurrent requests per worker, 60 s timeout.
/// </summary>
public sealed record CreateDeploymentRequest(
    string? Name,
    IReadOnlyList<string>? Models = null,
    string? Environment = null,
    string? SnapshotId = null,
    string? EntryScript = null,
    int? MinReplicas = null,
    int? MaxReplicas = null,
    int? WorkersPerReplica = null,
    int? MaxConcurrentRequestsPerReplica = null,
    int? RequestTimeoutMs = null,
    string? SampleRequest = null,
    Dictionary<string, string>? Variables = null);

/// <summary>
/// <c>PATCH /endpoints/{name}/deployments/{deployment}</c>: the fields given replace the stored ones (an empty
/// <see cref="EntryScript"/> or <see cref="SampleRequest"/> clears it) and make a new generation, proven again while the
/// previous one serves.
/// </summary>
public sealed record UpdateDeploymentRequest(
    IReadOnlyList<string>? Models = null,
    string? Environment = null,
    string? SnapshotId = null,
    string? EntryScript = null,
    int? MinReplicas = null,
    int? MaxReplicas = null,
    int? WorkersPerReplica = null,
    int? MaxConcurrentRequestsPerReplica = null,
    int? RequestTimeoutMs = null,
    string? SampleRequest = null,
    Dictionary<string, string>? Variables = null);

/// <summary>
/// A deployment of an endpoint: model versions (<c>name:version</c>), environment (<c>name:version</c>), source snapshot and entry
/// script, sizing, and the state of its latest <see cref="Generation"/> (<see cref="DeploymentStates"/>). <see cref="InitLog"/>
/// is set only when the proof failed; <see cref="Replicas"/> is what runs now. <see cref="SampleRequest"/> and <see cref="Variables"/>
/// are what the deployment was given, so that a standalone host (<c>loom serve</c>) proves and runs it as the server does.
/// </summary>
public sealed record DeploymentDto(
    string Name,
    string Endpoint,
    IReadOnlyList<string> Models,
    string Environment,
    string? EntryScript,
    string? SnapshotId,
    int MinReplicas,
    int MaxReplicas,
    int WorkersPerReplica,
    int MaxConcurrentRequestsPerReplica,
    int RequestTimeoutMs,
    string State,
    string? Error,
    string? InitLog,
    int Generation,
    int Replicas,
    DateTimeOffset CreatedTime,
    DateTimeOffset UpdatedTime,
    string? SampleRequest = null,
    IReadOnlyDictionary<string, string>? Variables = null);

/// <summary>A deployment's recent log lines (worker init output, errors), oldest first.</summary>
public sealed record DeploymentLogsDto(IReadOnlyList<string> Lines);

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record LatencyDto(double P50, double P90, double P99);

/// <summary>One deployment's share of an endpoint's requests in a window.</summary>
public sealed record DeploymentMetricsDto(long Requests, long Errors, double P50, double P99);

/// <summary>A failed scoring call: when, which deployment answered (null when none was picked), its status and message.</summary>
public sealed record ScoringErrorDto(DateTimeOffset Time, string? Deployment, int Status, string? Message);

/// <summary>
/// <c>GET /endpoints/{name}/metrics?minutes=N</c>: the requests recorded from <see cref="From"/> to <see cref="To"/>;
/// errors are answers with a status of 400 or more; <see cref="ByStatus"/> is keyed by the status as text.
/// </summary>
public sealed record EndpointMetricsDto(
    DateTimeOffset From,
    DateTimeOffset To,
    long Requests,
    long Errors,
    double RequestsPerSecond,
    LatencyDto LatencyMs,
    IReadOnlyDictionary<string, DeploymentMetricsDto> ByDeployment,
    IReadOnlyDictionary<string, long> ByStatus,
    IReadOnlyList<ScoringErrorDto> RecentErrors);

/// <summary>What one deployment runs, as the liveness call <c>GET /endpoints/{ws}/{name}/</c> reports it.</summary>
public sealed record DeploymentHealthDto(string State, int Weight, bool Serving, int? Generation, int Replicas, int Workers, int BusyWorkers, int Queued);

/// <summary><c>GET /endpoints/{ws}/{name}/</c>: <c>Healthy</c> when a deployment serves (200), else <c>Unhealthy</c> (503).</summary>
public sealed record EndpointHealthDto(string Status, IReadOnlyDictionary<string, DeploymentHealthDto> Deployments);
