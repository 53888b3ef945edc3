using System.Text.RegularExpressions;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Execution;

/// <summary>Checks a submission's shape; every failure is <c>invalid_submission</c> naming the field.</summary>
public static partial class SubmissionRules
{
    public const int MaxArguments = 1000;
    public const int MaxArgumentLength = 10_000;
    public const int MaxProcessesPerNode = 1024;
    public const int MaxDurationSeconds = 30 * 24 * 3600;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariablePattern();

    /// <summary>The script path in normal form, or the command; exactly one of them.</summary>
    public static (string? Script, string? Command) Entry(string? script, string? command)
    {
        if (string.IsNullOrWhiteSpace(script) == string.IsNullOrWhiteSpace(command))
            throw Invalid("Give exactly one of script (a Python file in the source folder) and command (a shell command line).");
        if (command is not null && !string.IsNullOrWhiteSpace(command))
        {
            if (command.Length > MaxArgumentLength || command.Contains('\0')) throw Invalid($"command is limited to {MaxArgumentLength:N0} characters without NUL.");
            return (null, command);
        }
        var path = script!.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal)) path = path[2..];
        try { return (Validate.RelativePath(path), null); }
        catch (LoomException) { throw Invalid($"script '{script}' must be a relative path inside the source folder."); }
    }

    public static IReadOnlyList<string> Arguments(IReadOnlyList<string>? arguments)
    {
        var list = arguments ?? [];
        if (list.Count > MaxArguments) throw Invalid($"arguments are limited to {MaxArguments:N0}.");
        foreach (var argument in list)
            if (argument is null || argument.Length > MaxArgumentLength || argument.Contains('\0'))
                throw Invalid($"Each argument must be a string of at most {MaxArgumentLength:N0} characters without NUL.");
        return list;
    }

    public static (int Nodes, int ProcessesPerNode, string? Distribution) Layout(int? nodeCount, int? processCountPerNode, string? distribution,
        string compute, int maxNodes)
    {
        var nodes = nodeCount ?? 1;
        var processes = processCountPerNode ?? 1;
        if (nodes < 1) throw Invalid($"nodeCount is {nodes}; it must be 1 or more.");
        if (nodes > maxNodes)
            throw Invalid($"The run asks for {nodes} nodes but compute target '{compute}' has at most {maxNodes} (its maxNodes); ask for fewer nodes or raise maxNodes.");
        if (processes is < 1 or > MaxProcessesPerNode) throw Invalid($"processCountPerNode is {processes}; it must be from 1 to {MaxProcessesPerNode}.");
        string? kind = null;
        if (distribution is not null)
            kind = Distributions.Supported.FirstOrDefault(d => string.Equals(d, distribution, StringComparison.OrdinalIgnoreCase))
                ?? throw Invalid($"distribution '{Short(distribution)}' is not supported: use {string.Join(" or ", Distributions.Supported)}.");
        if (kind == Distributions.Mpi && nodes > 1)
            throw Invalid("distribution mpi runs on one node (mpirun launches its processes there); use pytorch for several nodes.");
        return (nodes, processes, kind);
    }

    public static int? MaxDuration(int? seconds) => seconds is null or (>= 1 and <= MaxDurationSeconds) ? seconds
        : throw Invalid($"maxDurationSeconds is {seconds}; it must be from 1 to {MaxDurationSeconds:N0} (30 days).");

    public static IReadOnlyDictionary<string, string> Variables(IReadOnlyDictionary<string, string>? variables)
    {
        foreach (var (name, value) in variables ?? new Dictionary<string, string>())
        {
            if (name is null || name.Length > 255 || !VariablePattern().IsMatch(name))
                throw Invalid($"Variable name '{Short(name ?? "")}' is invalid: use letters, digits and '_', not starting with a digit.");
            if (value is null || value.Length > Validate.MaxValueLength || value.Contains('\0'))
                throw Invalid($"Variable '{name}' must have a value of at most {Validate.MaxValueLength:N0} characters without NUL.");
        }
        return variables ?? new Dictionary<string, string>();
    }

    /// <summary>Splits <c>name</c>, <c>name:3</c> or <c>name@latest</c> into a name and a version (number or <c>latest</c>).</summary>
    public static (string Name, string Version) EnvironmentReference(string reference)
    {
        var at = reference.IndexOf('@');
        var colon = reference.LastIndexOf(':');
        if (at > 0 && reference[(at + 1)..] == "latest") return (reference[..at], "latest");
        if (colon > 0) return (reference[..colon], reference[(colon + 1)..]);
        return (reference, "latest");
    }

    public static LoomException Invalid(string detail) => new(ErrorCodes.InvalidSubmission, detail);

    private static string Short(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
