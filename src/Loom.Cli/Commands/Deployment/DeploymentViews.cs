using Loom.Cli.Output;
using Loom.Contracts;

namespace Loom.Cli.Commands.Deployments;

/// <summary>How deployments look in tables.</summary>
internal static class DeploymentViews
{
    public static TableView Table(IEnumerable<DeploymentDto> deployments) =>
        new(["Name", "State", "Models", "Environment", "Replicas", "Generation", "Updated"],
            deployments.Select(d => (IReadOnlyList<string>)[d.Name, d.State, string.Join(", ", d.Models), d.Environment, Replicas(d),
                Formats.Number(d.Generation), Formats.Time(d.UpdatedTime)]).ToList());

    public static IReadOnlyList<KeyValuePair<string, string>> Details(DeploymentDto d)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Name", d.Name),
            new("Endpoint", d.Endpoint),
            new("State", d.State),
            new("Generation", Formats.Number(d.Generation)),
            new("Models", string.Join(", ", d.Models)),
            new("Environment", d.Environment),
            new("Entry script", d.EntryScript ?? "(none: no-code ONNX)"),
            new("Snapshot", d.SnapshotId ?? ""),
            new("Replicas", Replicas(d)),
            new("Workers/replica", Formats.Number(d.WorkersPerReplica)),
            new("Max concurrent", Formats.Number(d.MaxConcurrentRequestsPerReplica)),
            new("Timeout", $"{Formats.Number(d.RequestTimeoutMs)} ms"),
            new("Sample request", d.SampleRequest ?? "(none)"),
            new("Variables", d.Variables is { Count: > 0 } variables ? string.Join(", ", variables.Keys.Order(StringComparer.Ordinal)) : "(none)"),
            new("Created", Formats.Time(d.CreatedTime)),
            new("Updated", Formats.Time(d.UpdatedTime)),
        };
        if (d.Error is { } error) fields.Add(new("Error", error));
        return fields;
    }

    private static string Replicas(DeploymentDto d) => $"{Formats.Number(d.Replicas)} ({Formats.Number(d.MinReplicas)}-{Formats.Number(d.MaxReplicas)})";
}
