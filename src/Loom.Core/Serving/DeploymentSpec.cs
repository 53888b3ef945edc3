using System.Text.Json;
using Loom.Contracts;

namespace Loom.Core.Serving;

/// <summary>
/// What one generation of a deployment runs, as stored: models resolved to <c>name:version</c>, the environment to
/// <c>name:version</c>, the source snapshot and entry script, sizing, the sample request and extra variables.
/// </summary>
public sealed record DeploymentSpec(
    IReadOnlyList<string> Models,
    string Environment,
    string? SnapshotId,
    string? EntryScript,
    int MinReplicas,
    int MaxReplicas,
    int WorkersPerReplica,
    int MaxConcurrentRequestsPerReplica,
    int RequestTimeoutMs,
    string? SampleRequest,
    IReadOnlyDictionary<string, string> Variables)
{
    public string ToJson() => JsonSerializer.Serialize(this, LoomJson.Options);

    public static DeploymentSpec FromJson(string json) =>
        JsonSerializer.Deserialize<DeploymentSpec>(json, LoomJson.Options) ?? throw new JsonException("A deployment spec is empty.");

    /// <summary>Whether the spec names model <paramref name="name"/> version <paramref name="version"/>.</summary>
    public bool Uses(string name, int version) => Models.Contains($"{name}:{version}", StringComparer.Ordinal);
}
