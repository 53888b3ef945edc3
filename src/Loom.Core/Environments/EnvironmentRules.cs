using System.Text.RegularExpressions;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Environments;

/// <summary>Checks an environment request and brings its spec to normal form; every failure is <c>invalid_environment</c>.</summary>
public static partial class EnvironmentRules
{
    public const string SystemName = "system";
    public const int MaxRequirements = 1000;
    public const int MaxLineLength = 1000;

    // PEP 508 names, then optional extras, then a version specifier, a marker or a direct '@ url'.
    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\s*(?:\[[^\]]*\])?\s*(?:(?:===|==|!=|<=|>=|~=|<|>|@|;).*)?$")]
    private static partial Regex RequirementPattern();

    // pip's own rule: '#' starts a comment at the line start or after whitespace (so '#egg=' in a URL stays).
    [GeneratedRegex(@"(^|\s+)#.*$")]
    private static partial Regex CommentPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariablePattern();

    /// <summary>Whether <paramref name="name"/> is the curated environment, which cannot be registered.</summary>
    public static bool IsReserved(string name) => string.Equals(name, SystemName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The spec of a request in normal form; throws <c>invalid_environment</c> naming the first problem.</summary>
    public static EnvironmentSpec Normalize(PythonSpec? python, string? image, IReadOnlyDictionary<string, string>? variables)
    {
        var interpreter = python?.Interpreter ?? EnvironmentSpec.DefaultInterpreter;
        if (interpreter.Trim().Length == 0 || interpreter.Length > MaxLineLength || interpreter.Any(char.IsControl))
            throw Invalid($"python.interpreter '{interpreter}' must be a non-empty path or command without control characters.");
        var requirements = new List<string>();
        foreach (var raw in python?.Requirements ?? [])
        {
            if (raw is null) throw Invalid("python.requirements must not contain null.");
            if (raw.Length > MaxLineLength || raw.Any(c => char.IsControl(c) && c != '\t'))
                throw Invalid($"Requirement '{Short(raw)}' is longer than {MaxLineLength} characters or has control characters.");
            var line = CommentPattern().Replace(raw, "").Trim();
            if (line.Length == 0) continue;
            if (!RequirementPattern().IsMatch(line) && !IsDirectReference(line))
                throw Invalid($"Requirement '{Short(line)}' is not a pip requirement: it must start with a project name " +
                    "(e.g. 'numpy==1.26.4'), or be a URL or a path; put pip options in python.pipOptions.");
            requirements.Add(line);
        }
        if (requirements.Count > MaxRequirements) throw Invalid($"python.requirements is limited to {MaxRequirements} lines.");

        var pip = python?.PipOptions;
        var indexUrl = pip?.IndexUrl is { } index ? Url(index, "python.pipOptions.indexUrl") : null;
        var extra = (pip?.ExtraIndexUrls ?? []).Select(u => Url(u, "python.pipOptions.extraIndexUrls")).ToList();
        var findLinks = (pip?.FindLinks ?? []).Select(FindLink).ToList();

        if (image is not null && (image.Length is 0 or > 512 || image.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            throw Invalid($"image '{Short(image)}' must be a container image reference of 1-512 characters without spaces.");

        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in variables ?? new Dictionary<string, string>())
        {
            if (name is null || name.Length > 255 || !VariablePattern().IsMatch(name))
                throw Invalid($"Variable name '{name}' is invalid: use letters, digits and '_', not starting with a digit.");
            if (value is null || value.Length > Validate.MaxValueLength || value.Contains('\0'))
                throw Invalid($"Variable '{name}' must have a value of at most {Validate.MaxValueLength} characters without NUL.");
            sorted[name] = value;
        }
        return new EnvironmentSpec(new PythonSpec(interpreter, requirements, new PipOptions(indexUrl, extra, findLinks, pip?.NoIndex ?? false),
            python?.SystemSitePackages ?? false),
            image, sorted);
    }

    /// <summary>The curated environment: the agent's interpreter as it is, nothing installed.</summary>
    public static EnvironmentSpec SystemSpec { get; } = Normalize(new PythonSpec(EnvironmentSpec.AgentInterpreter), null, null);

    private static bool IsDirectReference(string line) =>
        line.Contains("://", StringComparison.Ordinal) || line.StartsWith("./", StringComparison.Ordinal)
        || line.StartsWith("../", StringComparison.Ordinal) || line.StartsWith('/');

    private static string Url(string? value, string what)
    {
        if (value is null || value.Length > MaxLineLength || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https" or "file") || !value.StartsWith(uri.Scheme + ":", StringComparison.OrdinalIgnoreCase) || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw Invalid($"{what} '{Short(value ?? "")}' must be an absolute http, https or file URL.");
        return value;
    }

    private static string FindLink(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxLineLength || value.Any(char.IsControl))
            throw Invalid($"python.pipOptions.findLinks entry '{Short(value ?? "")}' must be a URL or a path.");
        return value.Trim();
    }

    private static string Short(string text) => text.Length <= 80 ? text : text[..77] + "...";

    private static LoomException Invalid(string detail) => new(ErrorCodes.InvalidEnvironment, detail);
}
