namespace Loom.Contracts;

/// <summary>The compute target types this server provisions; the others in the design (ssh, slurm, kubernetes) come later.</summary>
public static class ComputeTypes
{
    /// <summary>Agents started as processes on the server's machine.</summary>
    public const string Local = "local";

    /// <summary>Agents started by someone else that register with the target.</summary>
    public const string Attached = "attached";

    public static IReadOnlyList<string> Supported { get; } = [Local, Attached];
}

/// <summary>The states of a compute node (an agent registered with a target).</summary>
public static class NodeStates
{
    public const string Idle = "idle";
    public const string Busy = "busy";
    public const string Starting = "starting";
    public const string Lost = "lost";
}

/// <summary><c>POST /computes</c>: creates a compute target; unset numbers take their defaults (0, 1, 120).</summary>
public sealed record CreateComputeRequest(
    string? Name,
    string? Type,
    int? MinNodes = null,
    int? MaxNodes = null,
    int? IdleSeconds = null,
    string? Description = null,
    Dictionary<string, string>? Tags = null);

/// <summary><c>PATCH /computes/{name}</c>: the fields given replace the stored ones (tags as a whole); the result is validated as on create.</summary>
public sealed record UpdateComputeRequest(
    int? MinNodes = null,
    int? MaxNodes = null,
    int? IdleSeconds = null,
    string? Description = null,
    Dictionary<string, string>? Tags = null);

/// <summary>
/// A compute target: a named queue with a provisioning policy. <see cref="Nodes"/> and <see cref="QueueLength"/>
/// describe its agents and waiting jobs.
/// </summary>
public sealed record ComputeDto(
    string Name,
    string Type,
    int MinNodes,
    int MaxNodes,
    int IdleSeconds,
    string? Description,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset CreatedTime,
    IReadOnlyList<NodeDto> Nodes,
    int QueueLength);

/// <summary>One node of a compute target: an agent, its host and what it is doing (<see cref="NodeStates"/>).</summary>
public sealed record NodeDto(
    string Id,
    string Host,
    string State,
    string? CurrentRunId,
    DateTimeOffset? LastHeartbeatTime);
