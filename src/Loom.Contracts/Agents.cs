namespace Loom.Contracts;

/// <summary>
/// <c>POST /api/v1/agents</c>: an agent joins a compute target. Needs a token with the Contributor role in the
/// workspace; the answer carries the agent's own token, which is all it uses afterwards.
/// </summary>
public sealed record RegisterAgentRequest(
    string? Workspace,
    string? Compute,
    string? Host,
    int? Cores = null,
    long? MemoryBytes = null,
    int? Gpus = null);

/// <summary>A registered agent: its id and token, and how often it must show it is alive.</summary>
public sealed record AgentRegisteredDto(string Id, string Token, string Workspace, string Compute, int HeartbeatSeconds, int LeaseSeconds);

/// <summary><c>POST /agents/{id}/heartbeat</c>: the run the agent is working on, if any.</summary>
public sealed record HeartbeatRequest(string? RunId = null);

/// <summary>
/// What the server wants of an agent: <see cref="Cancel"/> — stop the current run's processes;
/// <see cref="Retire"/> — exit once idle (the provisioner scaled the target down).
/// </summary>
public sealed record AgentOrdersDto(bool Cancel, bool Retire);

/// <summary>
/// <c>POST /agents/{id}/jobs/{runId}/status</c>: how the agent's part of a run goes. Preparing, Running and
/// Finalizing move the run forward; Completed, Failed and Canceled end this node's part, and the server ends
/// the run when every node has ended.
/// </summary>
public sealed record JobStatusRequest(RunStatus? Status, int? ExitCode = null, string? Error = null);

/// <summary>
/// A job claimed by an agent (<c>POST /agents/{id}/claim</c>): one node's part of a submitted run, with the run
/// token the user process reports with. <see cref="Environment"/> is the resolved version (for <c>system</c>,
/// its interpreter is <c>agent</c>); <see cref="Variables"/> are the environment's and the submission's.
/// </summary>
public sealed record JobDto(
    string RunId,
    string Workspace,
    string Experiment,
    string RunToken,
    string SnapshotId,
    EnvironmentDto Environment,
    string? Script,
    string? Command,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Variables,
    int? MaxDurationSeconds,
    string? Distribution,
    int NodeCount,
    int ProcessCountPerNode,
    int NodeRank,
    string MasterAddress,
    int MasterPort);
