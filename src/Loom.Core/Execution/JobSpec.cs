using Loom.Contracts;

namespace Loom.Core.Execution;

/// <summary>What a submitted run runs, stored with its job and handed to every node that claims it.</summary>
public sealed record JobSpec(
    string SnapshotId,
    EnvironmentDto Environment,
    string? Script,
    string? Command,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Variables,
    int NodeCount,
    int ProcessCountPerNode,
    string? Distribution,
    int? MaxDurationSeconds);
