using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Loom.Contracts;

namespace Loom.Studio.Components.Pages.Environments;

/// <summary>
/// An environment version as the YAML file <c>loom environment create --file</c> reads (the keys of samples/iris/env.yml), so what the
/// Studio shows can be saved and registered again: the same spec gives the same hash.
/// </summary>
public static partial class EnvironmentYaml
{
    // Written plain only when YAML cannot read it as anything but this string; everything else is double-quoted, whose escapes are JSON's.
    [GeneratedRegex(@"^[A-Za-z0-9_./\\(][A-Za-z0-9_./\\()<>=!~^*+,@$%-]*(?: [A-Za-z0-9_./\\()<>=!~^*+,@$%-]+)*$")]
    private static partial Regex Plain();

    [GeneratedRegex(@"^(?:[-+]?(?:\.?[0-9].*|\.inf)|\.nan|~|null|true|false|yes|no|on|off|y|n)$", RegexOptions.IgnoreCase)]
    private static partial Regex ReadAsOtherType();

    public static string Write(EnvironmentDto environment)
    {
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"# {environment.Name}:{environment.Version}\n");
        yaml.Append("name: ").Append(Scalar(environment.Name)).Append('\n');
        if (environment.Description is { Length: > 0 } description) yaml.Append("description: ").Append(Scalar(description)).Append('\n');
        Map(yaml, "tags", environment.Tags, 0);
        Python(yaml, environment.Python);
        if (environment.Image is { Length: > 0 } image) yaml.Append("image: ").Append(Scalar(image)).Append('\n');
        Map(yaml, "variables", environment.Variables, 0);
        return yaml.ToString();
    }

    /// <summary>A string as a YAML scalar that reads back as exactly that string.</summary>
    public static string Scalar(string value) =>
        Plain().IsMatch(value) && !ReadAsOtherType().IsMatch(value) ? value : JsonSerializer.Serialize(value);

    private static void Python(StringBuilder yaml, PythonSpec python)
    {
        var pip = python.PipOptions;
        var hasPip = pip is not null && (pip.IndexUrl is not null || pip.ExtraIndexUrls is { Count: > 0 } || pip.FindLinks is { Count: > 0 } || pip.NoIndex);
        if (python.Interpreter is null && python.Requirements is not { Count: > 0 } && !hasPip && !python.SystemSitePackages) return;
        yaml.Append("python:\n");
        if (python.Interpreter is { } interpreter) yaml.Append("  interpreter: ").Append(Scalar(interpreter)).Append('\n');
        List(yaml, "requirements", python.Requirements, 1);
        if (hasPip)
        {
            yaml.Append("  pipOptions:\n");
            if (pip!.IndexUrl is { } index) yaml.Append("    indexUrl: ").Append(Scalar(index)).Append('\n');
            List(yaml, "extraIndexUrls", pip.ExtraIndexUrls, 2);
            List(yaml, "findLinks", pip.FindLinks, 2);
            if (pip.NoIndex) yaml.Append("    noIndex: true\n");
        }
        if (python.SystemSitePackages) yaml.Append("  systemSitePackages: true\n");
    }

    private static void List(StringBuilder yaml, string key, IReadOnlyList<string>? items, int depth)
    {
        if (items is not { Count: > 0 }) return;
        var indent = new string(' ', depth * 2);
        yaml.Append(indent).Append(key).Append(":\n");
        foreach (var item in items) yaml.Append(indent).Append("  - ").Append(Scalar(item)).Append('\n');
    }

    private static void Map(StringBuilder yaml, string key, IReadOnlyDictionary<string, string> entries, int depth)
    {
        if (entries.Count == 0) return;
        var indent = new string(' ', depth * 2);
        yaml.Append(indent).Append(key).Append(":\n");
        foreach (var (name, value) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            yaml.Append(indent).Append("  ").Append(Scalar(name)).Append(": ").Append(Scalar(value)).Append('\n');
    }
}
