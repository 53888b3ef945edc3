namespace Loom.Contracts;

/// <summary>How the processes of a distributed run are launched.</summary>
public static class Distributions
{
    /// <summary>One process per rank started by the agent, with the PyTorch variables (<c>WORLD_SIZE</c>, <c>RANK</c>...).</summary>
    public const string PyTorch = "pytorch";

    /// <summary>The ranks of a node launched through <c>mpirun</c> when it is installed (else as <see cref="PyTorch"/>).</summary>
    public const string Mpi = "mpi";

    public static IReadOnlyList<string> Supported { get; } = [PyTorch, Mpi];
}

/// <summary>
/// <c>POST /runs/submit</c>: queues a run of a stored snapshot on a compute target. Exactly one of
/// <see cref="Script"/> (a Python file in the snapshot, run with the environment's interpreter) and
/// <see cref="Command"/> (a shell command line) is given; <see cref="Arguments"/> follow either.
/// <see cref="Environment"/> is <c>name</c>, <c>name:version</c> or <c>name@latest</c>; null means <c>system</c>.
/// </summary>
public sealed record SubmitRunRequest(
    string? Experiment,
    string? SnapshotId,
    string? Compute,
    string? Script = null,
    string? Command = null,
    IReadOnlyList<string>? Arguments = null,
    string? Environment = null,
    int? NodeCount = null,
    int? ProcessCountPerNode = null,
    string? Distribution = null,
    int? MaxDurationSeconds = null,
    string? DisplayName = null,
    string? Description = null,
    Dictionary<string, string>? Tags = null,
    Dictionary<string, string>? Properties = null,
    Dictionary<string, string>? Variables = null);

/// <summary>One node of a submitted run: the agent that took its rank, where it runs and how it ended.</summary>
public sealed record JobNodeDto(int NodeRank, string AgentId, string Host, string State, int? ExitCode, string? Error);

/// <summary><c>GET /runs/{runId}/job</c>: what a submitted run runs and where.</summary>
public sealed record RunJobDto(
    string RunId,
    string Compute,
    string SnapshotId,
    string Environment,
    string EnvironmentHash,
    string? Script,
    string? Command,
    IReadOnlyList<string> Arguments,
    int NodeCount,
    int ProcessCountPerNode,
    string? Distribution,
    int? MaxDurationSeconds,
    DateTimeOffset QueuedTime,
    IReadOnlyList<JobNodeDto> Nodes);
