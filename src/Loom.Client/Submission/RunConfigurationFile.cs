using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Loom.Client.Submission;

/// <summary>
/// Reads a run configuration YAML file. It walks the YAML node tree rather than deserializing into a class so that
/// both spellings of a key (<c>node_count</c>, <c>nodeCount</c>) and the aliases are accepted, scalars keep their
/// text (<c>0.50</c> stays <c>0.50</c> as an argument), and every error names the line and column it is about.
/// </summary>
internal static partial class RunConfigurationFile
{
    private static readonly string[] ConfigFolders = [".loom", ".azureml"];

    // Snake_case names; the camelCase spelling of each is accepted too. Aliases share a field.
    private static readonly (string Field, string[] Names)[] Fields =
    [
        ("script", ["script"]),
        ("command", ["command"]),
        ("arguments", ["arguments"]),
        ("compute", ["compute_target", "compute"]),
        ("environment", ["environment"]),
        ("node_count", ["node_count"]),
        ("process_count_per_node", ["process_count_per_node"]),
        ("distribution", ["distribution"]),
        ("max_duration", ["max_run_duration_seconds", "max_duration"]),
        ("tags", ["tags"]),
        ("experiment", ["experiment"]),
        ("source_directory", ["source_directory"]),
    ];

    private static readonly Dictionary<string, string> FieldOfKey = Fields
        .SelectMany(f => f.Names.SelectMany(n => new[] { (Key: n, f.Field), (Key: Camel(n), f.Field) }))
        .DistinctBy(k => k.Key)
        .ToDictionary(k => k.Key, k => k.Field, StringComparer.Ordinal);

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    public static RunConfiguration Read(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunConfigurationException($"cannot read run configuration '{path}': {e.Message}");
        }
        var root = Parse(path, text);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var configuration = new RunConfiguration { SourceDirectory = DefaultSourceDirectory(folder) };
        if (root is null) return configuration;
        if (root is not YamlMappingNode mapping)
            throw Error(path, root.Start, "a run configuration is a mapping of keys (script:, arguments:, compute_target:...) to values.");

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = keyNode is YamlScalarNode { Value: { } k } ? k : "";
            if (!FieldOfKey.TryGetValue(key, out var field))
                throw Error(path, keyNode.Start, $"unknown key '{key}'; the keys are {string.Join(", ", Fields.SelectMany(f => f.Names))}.");
            if (seen.TryGetValue(field, out var earlier))
                throw Error(path, keyNode.Start, $"'{key}' sets what '{earlier}' already set; keep one.");
            seen[field] = key;
            var reader = new ValueReader(path, key, value);
            configuration = field switch
            {
                "script" => configuration with { Script = reader.String() },
                "command" => configuration with { Command = reader.Command() },
                "arguments" => configuration with { Arguments = reader.List() },
                "compute" => configuration with { Compute = reader.String() },
                "environment" => configuration with { Environment = reader.String() },
                "node_count" => configuration with { NodeCount = reader.Int() },
                "process_count_per_node" => configuration with { ProcessCountPerNode = reader.Int() },
                "distribution" => configuration with { Distribution = reader.String()?.ToLowerInvariant() },
                "max_duration" => configuration with { MaxDurationSeconds = reader.Duration() },
                "tags" => configuration with { Tags = reader.Map() },
                "experiment" => configuration with { Experiment = reader.String() },
                "source_directory" => configuration with
                {
                    SourceDirectory = reader.String() is { } source ? Path.GetFullPath(Path.Combine(folder, source)) : configuration.SourceDirectory,
                },
                _ => throw new InvalidOperationException($"no reader for field '{field}'"),
            };
        }
        return configuration;
    }

    /// <summary>Where Azure ML keeps run configurations (<c>.azureml/</c>, and Loom's <c>.loom/</c>) the code is one level up.</summary>
    private static string DefaultSourceDirectory(string folder) =>
        ConfigFolders.Contains(Path.GetFileName(folder), StringComparer.Ordinal) ? Path.GetDirectoryName(folder) ?? folder : folder;

    private static YamlNode? Parse(string path, string text)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e)
        {
            var cause = e.InnerException is { } inner and not YamlException ? inner.Message : MarkPrefix().Replace(e.Message, "");
            throw Error(path, e.Start, cause);
        }
        if (stream.Documents.Count > 1) throw Error(path, stream.Documents[1].RootNode.Start, "the file holds more than one YAML document.");
        var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        return root is YamlScalarNode scalar && IsNull(scalar) ? null : root;
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string Camel(string snake)
    {
        var parts = snake.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    private static RunConfigurationException Error(string path, Mark mark, string message) =>
        new($"{path}:{mark.Line}:{mark.Column}: {message}");

    /// <summary>Reads one key's value as the kind its field needs, or explains at the value's position why it can't.</summary>
    private sealed class ValueReader(string path, string key, YamlNode node)
    {
        public string? String() => node switch
        {
            YamlScalarNode scalar when IsNull(scalar) => null,
            YamlScalarNode scalar => scalar.Value ?? "",
            _ => throw Error(path, node.Start, $"'{key}' takes a single value, not a {Kind(node)}."),
        };

        /// <summary>A command line, or a list of words joined into one (quoted for the shell where needed).</summary>
        public string? Command() => node is YamlSequenceNode ? List() is { } words ? string.Join(' ', words.Select(ShellQuote)) : null : String();

        public int? Int()
        {
            var text = String();
            if (text is null) return null;
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Error(path, node.Start, $"'{key}' takes a whole number, not '{text}'.");
        }

        public int? Duration()
        {
            var text = String();
            if (text is null) return null;
            return DurationText.TryParseSeconds(text)
                ?? throw Error(path, node.Start, $"'{key}' takes seconds (3600) or a duration with units (30s, 10m, 2h), not '{text}'.");
        }

        public IReadOnlyList<string>? List()
        {
            if (node is YamlScalarNode scalar && IsNull(scalar)) return null;
            if (node is not YamlSequenceNode sequence)
                throw Error(path, node.Start, $"'{key}' takes a list, e.g. [--c, 0.5], not a {Kind(node)}.");
            return sequence.Children.Select(item => item is YamlScalarNode s
                ? s.Value ?? ""
                : throw Error(path, item.Start, $"the items of '{key}' are single values, not a {Kind(item)}.")).ToList();
        }

        public IReadOnlyDictionary<string, string>? Map()
        {
            if (node is YamlScalarNode scalar && IsNull(scalar)) return null;
            if (node is not YamlMappingNode mapping)
                throw Error(path, node.Start, $"'{key}' takes a mapping of names to values, e.g. {{team: vision}}, not a {Kind(node)}.");
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in mapping.Children)
            {
                if (name is not YamlScalarNode { Value: { Length: > 0 } text })
                    throw Error(path, name.Start, $"the names in '{key}' are non-empty single values.");
                map[text] = value switch
                {
                    YamlScalarNode s when IsNull(s) => "",
                    YamlScalarNode s => s.Value ?? "",
                    _ => throw Error(path, value.Start, $"'{key}.{text}' takes a single value, not a {Kind(value)}."),
                };
            }
            return map;
        }

        private static string Kind(YamlNode node) => node switch
        {
            YamlSequenceNode => "list",
            YamlMappingNode => "mapping",
            _ => "value",
        };

        private static string ShellQuote(string word) =>
            word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? word : $"'{word.Replace("'", "'\\''")}'";
    }
}
