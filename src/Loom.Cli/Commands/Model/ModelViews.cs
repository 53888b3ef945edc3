using Loom.Cli.Output;
using Loom.Contracts;

namespace Loom.Cli.Commands.Models;

/// <summary>How models look in tables.</summary>
internal static class ModelViews
{
    public static TableView Table(IEnumerable<ModelDto> models) =>
        new(["Name", "Version", "Framework", "Files", "Size", "Tags", "Run", "Created"],
            models.Select(m => (IReadOnlyList<string>)[m.Name, Formats.Number(m.Version), Framework(m), Formats.Number(m.Files.Count),
                Formats.Size(m.Bytes), Pairs(m.Tags), m.RunId ?? "", Formats.Time(m.CreatedTime)]).ToList());

    public static IReadOnlyList<KeyValuePair<string, string>> Details(ModelDto model)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Name", model.Name),
            new("Version", Formats.Number(model.Version)),
            new("Description", model.Description ?? ""),
            new("Framework", Framework(model)),
            new("Tags", Pairs(model.Tags)),
            new("Properties", Pairs(model.Properties)),
        };
        if (model.RunId is { } runId) fields.Add(new("Run", $"{runId} ({model.RunPath})"));
        fields.Add(new("Files", $"{model.Files.Count} ({Formats.Size(model.Bytes)})"));
        fields.AddRange(model.Files.Take(20).Select(f => new KeyValuePair<string, string>("", $"{f.Path} ({Formats.Size(f.Size)})")));
        if (model.Files.Count > 20) fields.Add(new("", $"... and {model.Files.Count - 20} more"));
        fields.Add(new("Manifest", model.ManifestId));
        fields.Add(new("Created", Formats.Time(model.CreatedTime)));
        return fields;
    }

    private static string Framework(ModelDto model) => $"{model.Framework} {model.FrameworkVersion}".Trim();

    private static string Pairs(IReadOnlyDictionary<string, string> values) =>
        string.Join(", ", values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
