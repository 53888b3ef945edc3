using System.Globalization;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Registry;

/// <summary>Checks what a model registration or update says, and lays out files as Azure ML v1 does.</summary>
public static class ModelRules
{
    public const string Latest = "latest";
    public const int MaxFiles = 100_000;
    public const int MaxDescriptionLength = 10_000;
    public const int MaxFrameworkLength = 250;

    /// <summary>A version in a path: a positive number, or null for <c>latest</c>.</summary>
    public static int? ParseVersion(string version)
    {
        if (string.Equals(version, Latest, StringComparison.OrdinalIgnoreCase)) return null;
        if (int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
            return number;
        throw new LoomException(ErrorCodes.InvalidRequest, $"Version '{version}' is invalid: use a positive number or '{Latest}'.");
    }

    /// <summary>Checks the fields every registration has, whatever its files come from.</summary>
    public static void CheckMetadata(RegisterModelRequest request)
    {
        Validate.Name(request.Name, "Model");
        Validate.KeyValues(request.Tags, "Tag");
        Validate.KeyValues(request.Properties, "Property");
        CheckDescription(request.Description);
        Framework(request.Framework, "framework");
        Framework(request.FrameworkVersion, "frameworkVersion");
        var fromFiles = request.Files is not null;
        var fromRun = request.RunId is not null || request.Path is not null;
        if (fromFiles && fromRun)
            throw Invalid("Give either 'files' (blobs already uploaded) or 'runId' with 'path' (a run's artifacts), not both.");
        if (!fromFiles && !fromRun)
            throw Invalid("A model needs files: give 'files' (blobs already uploaded) or 'runId' with 'path' (a run's artifact file or folder).");
        if (fromRun && (string.IsNullOrEmpty(request.RunId) || string.IsNullOrEmpty(request.Path)))
            throw Invalid("Registering from a run needs both 'runId' and 'path' (e.g. \"outputs/model.pkl\" or \"outputs\").");
        if (fromFiles && request.Files!.Count == 0) throw Invalid("'files' is empty: a model needs at least one file.");
        if (fromFiles && request.Files!.Count > MaxFiles) throw Invalid($"A model holds at most {MaxFiles} files, not {request.Files!.Count}.");
    }

    public static void CheckDescription(string? description)
    {
        if (description is { Length: > MaxDescriptionLength })
            throw new LoomException(ErrorCodes.InvalidRequest, $"description is limited to {MaxDescriptionLength:N0} characters.");
    }

    /// <summary>A run path in normal form: relative, without a trailing '/'.</summary>
    public static string RunPath(string path) => Validate.RelativePath(path.EndsWith('/') ? path.TrimEnd('/') : path);

    /// <summary>
    /// Where a run's artifact lands in the model: under the registered path's last name, so <c>outputs/model.pkl</c> is
    /// <c>model.pkl</c> and <c>outputs/model/a/b.bin</c> registered as the folder <c>outputs/model</c> is <c>model/a/b.bin</c>.
    /// </summary>
    public static string ModelPath(string runPath, string artifactPath)
    {
        var lastName = runPath[(runPath.LastIndexOf('/') + 1)..];
        return artifactPath.Length == runPath.Length ? lastName : lastName + artifactPath[runPath.Length..];
    }

    private static void Framework(string? value, string what)
    {
        if (value is not null && (value.Trim().Length == 0 || value.Length > MaxFrameworkLength || value.Any(char.IsControl)))
            throw Invalid($"{what} '{value}' must be 1-{MaxFrameworkLength} characters without control characters.");
    }

    private static LoomException Invalid(string detail) => new(ErrorCodes.InvalidModel, detail);
}
