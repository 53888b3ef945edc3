using Loom.Cli.Output;
using Loom.Contracts;

namespace Loom.Cli.Commands.Environments;

/// <summary>How environments look in tables.</summary>
internal static class EnvironmentViews
{
    public static TableView Table(IEnumerable<EnvironmentSummaryDto> environments) =>
        new(["Name", "Latest version", "Hash", "Created"],
            environments.Select(e => (IReadOnlyList<string>)[e.Name, Formats.Number(e.LatestVersion), ShortHash(e.Hash), Formats.Time(e.CreatedTime)]).ToList());

    public static IReadOnlyList<KeyValuePair<string, string>> Details(EnvironmentDto environment)
    {
        var pip = environment.Python.PipOptions;
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Name", environment.Name),
            new("Version", Formats.Number(environment.Version)),
            new("Hash", environment.Hash),
            new("Description", environment.Description ?? ""),
            new("Interpreter", environment.Python.Interpreter ?? ""),
            new("Requirements", string.Join(", ", environment.Python.Requirements ?? [])),
        };
        if (pip?.IndexUrl is { } index) fields.Add(new("Index URL", index));
        if (pip?.ExtraIndexUrls is { Count: > 0 } extra) fields.Add(new("Extra index URLs", string.Join(", ", extra)));
        if (pip?.FindLinks is { Count: > 0 } links) fields.Add(new("Find links", string.Join(", ", links)));
        if (pip?.NoIndex == true) fields.Add(new("No index", "yes"));
        if (environment.Image is { } image) fields.Add(new("Image", image));
        if (environment.Variables.Count > 0) fields.Add(new("Variables", string.Join(", ", environment.Variables.Select(v => $"{v.Key}={v.Value}"))));
        if (environment.Tags.Count > 0) fields.Add(new("Tags", string.Join(", ", environment.Tags.Select(t => $"{t.Key}={t.Value}"))));
        fields.Add(new("Created", Formats.Time(environment.CreatedTime)));
        return fields;
    }

    private static string ShortHash(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
