using System.CommandLine;
using System.Globalization;

namespace Loom.Cli.Commands.Models;

/// <summary>What several model commands take: <c>NAME[:VERSION]</c> references and repeatable <c>key=value</c> options.</summary>
internal static class ModelArguments
{
    /// <summary>A model, optionally with a version.</summary>
    public static Argument<string> Reference(string description) => new("model") { Description = description, HelpName = "name[:version]" };

    /// <summary>A repeatable <c>--name key=value</c> option whose values are checked when parsed.</summary>
    public static Option<string[]> Pairs(string name, string description)
    {
        var option = new Option<string[]>(name) { Description = description, HelpName = "key=value" };
        option.Validators.Add(result =>
        {
            foreach (var pair in (result.GetValueOrDefault<string[]>() ?? []).Where(p => p.IndexOf('=') < 1))
                result.AddError($"{name} '{pair}' is not key=value.");
        });
        return option;
    }

    /// <summary>The pairs of a <see cref="Pairs"/> option, or null when none were given.</summary>
    public static Dictionary<string, string>? ToDictionary(string[]? pairs)
    {
        if (pairs is not { Length: > 0 }) return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs) values[pair[..pair.IndexOf('=')]] = pair[(pair.IndexOf('=') + 1)..];
        return values;
    }

    /// <summary>Splits <c>name:3</c>, <c>name:latest</c> or <c>name@latest</c>; a bare name means the latest version, unless one is required.</summary>
    public static (string Name, int? Version) Parse(string text, bool versionRequired)
    {
        var at = text.LastIndexOfAny([':', '@']);
        if (at < 0)
            return versionRequired ? throw new UsageException($"'{text}' needs a version: use NAME:VERSION, e.g. {text}:1.") : (text, null);
        var (name, version) = (text[..at], text[(at + 1)..]);
        if (name.Length == 0) throw new UsageException($"'{text}' has no model name; use NAME or NAME:VERSION.");
        if (!versionRequired && version.Equals("latest", StringComparison.OrdinalIgnoreCase)) return (name, null);
        if (text[at] == ':' && int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0) return (name, number);
        throw new UsageException(versionRequired
            ? $"'{text}' is not NAME:VERSION (a positive number)."
            : $"'{text}' is not NAME, NAME:VERSION (a positive number) or NAME@latest.");
    }
}
