using Loom.Cli.Output;
using Loom.Contracts;

namespace Loom.Cli.Commands.Workspace;

/// <summary>How workspaces look in tables.</summary>
internal static class WorkspaceViews
{
    public static TableView Table(IEnumerable<WorkspaceDto> workspaces) =>
        new(["Name", "Description", "Created"],
            workspaces.Select(w => (IReadOnlyList<string>)[w.Name, w.Description ?? "", Formats.Time(w.CreatedTime)]).ToList());

    public static IReadOnlyList<KeyValuePair<string, string>> Details(WorkspaceDto workspace)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Name", workspace.Name),
            new("Description", workspace.Description ?? ""),
            new("Created", Formats.Time(workspace.CreatedTime)),
        };
        if (workspace.ExperimentCount is { } experiments) fields.Add(new("Experiments", Formats.Number(experiments)));
        if (workspace.RunCount is { } runs) fields.Add(new("Runs", Formats.Number(runs)));
        return fields;
    }
}
