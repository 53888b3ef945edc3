using System.Text.RegularExpressions;
using Loom.Contracts;

namespace Loom.Core.Common;

/// <summary>Input rules shared by every feature; each throws a <see cref="LoomException"/> with a 400 code.</summary>
public static partial class Validate
{
    public const int MaxKeyLength = 250;
    public const int MaxValueLength = 5000;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$")]
    private static partial Regex NamePattern();

    /// <summary>Workspace, experiment and other resource names.</summary>
    public static string Name(string? value, string what)
    {
        if (value is null || !NamePattern().IsMatch(value))
            throw new LoomException(ErrorCodes.InvalidName,
                $"{what} name '{value}' is invalid: use 1-255 letters, digits, '_', '.' or '-', starting with a letter or digit.");
        return value;
    }

    /// <summary>Metric, param, tag and property keys.</summary>
    public static string Key(string? key, string what)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || key.Any(char.IsControl))
            throw new LoomException(ErrorCodes.InvalidName,
                $"{what} key '{key}' is invalid: use 1-{MaxKeyLength} characters without control characters.");
        return key;
    }

    public static void KeyValues(IReadOnlyDictionary<string, string>? values, string what)
    {
        if (values is null) return;
        foreach (var (key, value) in values)
        {
            Key(key, what);
            if (value is null || value.Length > MaxValueLength)
                throw new LoomException(ErrorCodes.InvalidRequest,
                    $"{what} '{key}' must have a value of at most {MaxValueLength} characters.");
        }
    }

    /// <summary>
    /// A relative artifact or log path: '/'-separated, no empty, '.' or '..' segments, no backslashes
    /// or control characters, so it can never name anything outside its run.
    /// </summary>
    public static string RelativePath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > 1024 || path.StartsWith('/') || path.Contains('\\')
            || path.Any(char.IsControl) || path.Contains(':'))
            throw InvalidPath(path);
        foreach (var segment in path.Split('/'))
            if (segment is "" or "." or "..")
                throw InvalidPath(path);
        return path;
    }

    public static string? IdempotencyKey(string? key)
    {
        if (key is null) return null;
        if (key.Length is 0 or > 200 || key.Any(c => c < 0x20 || c > 0x7e))
            throw new LoomException(ErrorCodes.InvalidRequest, "Idempotency-Key must be 1-200 printable ASCII characters.");
        return key;
    }

    private static LoomException InvalidPath(string? path) =>
        new(ErrorCodes.InvalidPath, $"Path '{path}' is invalid: it must be relative, '/'-separated, without '.', '..', empty segments, backslashes or control characters.");
}
