namespace Loom.Contracts;

/// <summary>Stable error codes carried in the <c>code</c> field of every problem response.</summary>
public static class ErrorCodes
{
    public const string InvalidName = "invalid_name";
    public const string InvalidJson = "invalid_json";
    public const string InvalidRequest = "invalid_request";
    public const string InvalidPath = "invalid_path";
    public const string InvalidFilter = "invalid_filter";
    public const string InvalidOrderBy = "invalid_order_by";
    public const string InvalidPageToken = "invalid_page_token";
    public const string InvalidStatus = "invalid_status";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string WorkspaceNotFound = "workspace_not_found";
    public const string ExperimentNotFound = "experiment_not_found";
    public const string RunNotFound = "run_not_found";
    public const string MetricNotFound = "metric_not_found";
    public const string ArtifactNotFound = "artifact_not_found";
    public const string LogNotFound = "log_not_found";
    public const string SnapshotNotFound = "snapshot_not_found";
    public const string SnapshotIncomplete = "snapshot_incomplete";
    public const string SnapshotTooLarge = "snapshot_too_large";
    public const string HashMismatch = "hash_mismatch";
    public const string TokenNotFound = "token_not_found";
    public const string EnvironmentNotFound = "environment_not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string WorkspaceExists = "workspace_exists";
    public const string WorkspaceNotEmpty = "workspace_not_empty";
    public const string ParamImmutable = "param_immutable";
    public const string PropertyImmutable = "property_immutable";
    public const string InvalidStatusTransition = "invalid_status_transition";
    public const string LogOffsetConflict = "log_offset_conflict";
    public const string LogOffsetGap = "log_offset_gap";
    public const string BatchTooLarge = "batch_too_large";
    public const string PayloadTooLarge = "payload_too_large";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string InvalidEnvironment = "invalid_environment";
    public const string EnvironmentReserved = "environment_reserved";
    public const string InvalidCompute = "invalid_compute";
    public const string ComputeNotFound = "compute_not_found";
    public const string ComputeExists = "compute_exists";
    public const string ComputeInUse = "compute_in_use";
    public const string InvalidSubmission = "invalid_submission";
    public const string AgentNotFound = "agent_not_found";
    public const string AgentRetired = "agent_retired";
    public const string JobNotFound = "job_not_found";
    public const string ModelNotFound = "model_not_found";
    public const string ModelInUse = "model_in_use";
    public const string InvalidModel = "invalid_model";
    public const string EndpointNotFound = "endpoint_not_found";
    public const string DeploymentNotFound = "deployment_not_found";
    public const string EndpointExists = "endpoint_exists";
    public const string DeploymentExists = "deployment_exists";
    public const string DeploymentHasTraffic = "deployment_has_traffic";
    public const string InvalidEndpoint = "invalid_endpoint";
    public const string InvalidDeployment = "invalid_deployment";
    public const string InvalidTraffic = "invalid_traffic";
    public const string ScoringError = "scoring_error";

    /// <summary>The scoring request is not the input the deployment declares (a script's <c>@input_schema</c>, an ONNX model's tensors).</summary>
    public const string InvalidScoringInput = "invalid_scoring_input";
    public const string WorkerCrashed = "worker_crashed";
    public const string ScoringTimeout = "scoring_timeout";
    public const string Overloaded = "overloaded";
    public const string DeploymentNotReady = "deployment_not_ready";
    public const string InternalError = "internal_error";
    public const string Unavailable = "unavailable";

    /// <summary>The HTTP status that goes with a code.</summary>
    public static int StatusOf(string code) => code switch
    {
        Unauthorized => 401,
        Forbidden => 403,
        NotFound or WorkspaceNotFound or ExperimentNotFound or RunNotFound or MetricNotFound
            or ArtifactNotFound or LogNotFound or TokenNotFound or EnvironmentNotFound or SnapshotNotFound or ComputeNotFound
            or AgentNotFound or JobNotFound or ModelNotFound or EndpointNotFound or DeploymentNotFound => 404,
        MethodNotAllowed => 405,
        WorkspaceExists or WorkspaceNotEmpty or ParamImmutable or PropertyImmutable
            or InvalidStatusTransition or LogOffsetConflict or LogOffsetGap or EnvironmentReserved or SnapshotIncomplete or ComputeExists or ComputeInUse or ModelInUse
            or EndpointExists or DeploymentExists or DeploymentHasTraffic => 409,
        AgentRetired => 410,
        BatchTooLarge or PayloadTooLarge or SnapshotTooLarge => 413,
        IdempotencyKeyReused => 422,
        InvalidScoringInput => 400,
        InternalError => 500,
        ScoringError or WorkerCrashed => 502,
        Unavailable or Overloaded or DeploymentNotReady => 503,
        ScoringTimeout => 504,
        _ => 400,
    };
}
