using Loom.Cli.Output;
using Loom.Contracts;

namespace Loom.Cli.Commands.Computes;

/// <summary>How compute targets look in tables.</summary>
internal static class ComputeViews
{
    public static TableView Table(IEnumerable<ComputeDto> computes) =>
        new(["Name", "Type", "Min nodes", "Max nodes", "Idle seconds", "Nodes", "Queue", "Created"],
            computes.Select(c => (IReadOnlyList<string>)[c.Name, c.Type, Formats.Number(c.MinNodes), Formats.Number(c.MaxNodes),
                Formats.Number(c.IdleSeconds), Formats.Number(c.Nodes.Count), Formats.Number(c.QueueLength), Formats.Time(c.CreatedTime)]).ToList());

    public static IReadOnlyList<KeyValuePair<string, string>> Details(ComputeDto compute)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Name", compute.Name),
            new("Type", compute.Type),
            new("Description", compute.Description ?? ""),
            new("Min nodes", Formats.Number(compute.MinNodes)),
            new("Max nodes", Formats.Number(compute.MaxNodes)),
            new("Idle seconds", Formats.Number(compute.IdleSeconds)),
            new("Nodes", compute.Nodes.Count == 0 ? "none" : string.Join("; ", compute.Nodes.Select(Node))),
            new("Queue length", Formats.Number(compute.QueueLength)),
        };
        if (compute.Tags.Count > 0) fields.Add(new("Tags", string.Join(", ", compute.Tags.Select(t => $"{t.Key}={t.Value}"))));
        fields.Add(new("Created", Formats.Time(compute.CreatedTime)));
        return fields;
    }

    private static string Node(NodeDto node) =>
        $"{node.Id} on {node.Host}: {node.State}" + (node.CurrentRunId is { } run ? $", running {run}" : "");
}
