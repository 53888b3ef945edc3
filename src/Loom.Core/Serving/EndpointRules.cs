using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Serving;

/// <summary>Checks what an endpoint or a deployment says: failures are <c>invalid_endpoint</c> and <c>invalid_deployment</c>.</summary>
public static partial class EndpointRules
{
    public const int MaxDescriptionLength = 10_000;
    public const int MaxModels = 20;
    public const int MaxReplicasLimit = 100;
    public const int MaxWorkersPerReplica = 64;
    public const int MaxConcurrentLimit = 10_000;
    public const int DefaultTimeoutMs = 60_000;
    public const int MaxTimeoutMs = 3_600_000;
    public const int MaxSampleBytes = 1024 * 1024;
    public const int MaxVariables = 100;
    public const int DefaultWorkers = 2;
    public const int RequestsPerWorker = 4;
    public const string DefaultEnvironment = "system";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariablePattern();

    /// <summary>The auth mode in lower case, <c>key</c> when none is given.</summary>
    public static string AuthMode(string? mode)
    {
        if (mode is null) return EndpointAuthModes.Key;
        return EndpointAuthModes.All.FirstOrDefault(m => string.Equals(m, mode, StringComparison.OrdinalIgnoreCase))
            ?? throw new LoomException(ErrorCodes.InvalidEndpoint, $"authMode '{Short(mode)}' is not supported: use 'key' or 'token'.");
    }

    public static void Description(string? description)
    {
        if (description is { Length: > MaxDescriptionLength })
            throw new LoomException(ErrorCodes.InvalidRequest, $"description is limited to {MaxDescriptionLength:N0} characters.");
    }

    /// <summary>A model reference: <c>name:version</c>, or <c>name</c> for the latest version (null version).</summary>
    public static (string Name, int? Version) ModelReference(string? reference)
    {
        var split = reference?.LastIndexOf(':') ?? -1;
        var name = split < 0 ? reference : reference![..split];
        if (name is null || !ValidName(name))
            throw Invalid($"Model '{Short(reference ?? "")}' is invalid: use 'name:version' or 'name' (the latest version).");
        if (split < 0) return (name, null);
        var text = reference![(split + 1)..];
        if (string.Equals(text, "latest", StringComparison.OrdinalIgnoreCase)) return (name, null);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? (name, version)
            : throw Invalid($"Model '{Short(reference)}' has version '{Short(text)}'; use a positive number or leave it out for the latest.");
    }

    /// <summary>An environment reference: <c>name[:version]</c>, version null for the latest.</summary>
    public static (string Name, string Version) EnvironmentReference(string? reference)
    {
        reference ??= DefaultEnvironment;
        var split = reference.LastIndexOf(':');
        var name = split < 0 ? reference : reference[..split];
        var version = split < 0 ? "latest" : reference[(split + 1)..];
        if (!ValidName(name) || version.Length == 0)
            throw Invalid($"environment '{Short(reference)}' is invalid: use 'name' or 'name:version'.");
        return (name, version);
    }

    /// <summary>Checks sizing, sample and variables of a spec, as created or as a change would leave it.</summary>
    public static DeploymentSpec Check(DeploymentSpec spec)
    {
        if (spec.Models.Count > MaxModels) throw Invalid($"A deployment serves at most {MaxModels} models, not {spec.Models.Count}.");
        if (spec.Models.Distinct(StringComparer.Ordinal).Count() != spec.Models.Count) throw Invalid("models names the same model version twice.");
        if (spec.MinReplicas is < 1 or > MaxReplicasLimit) throw Invalid($"minReplicas is {spec.MinReplicas}; it must be from 1 to {MaxReplicasLimit}.");
        if (spec.MaxReplicas < spec.MinReplicas || spec.MaxReplicas > MaxReplicasLimit)
            throw Invalid($"maxReplicas is {spec.MaxReplicas}; it must be from minReplicas ({spec.MinReplicas}) to {MaxReplicasLimit}.");
        if (spec.WorkersPerReplica is < 1 or > MaxWorkersPerReplica)
            throw Invalid($"workersPerReplica is {spec.WorkersPerReplica}; it must be from 1 to {MaxWorkersPerReplica}.");
        if (spec.MaxConcurrentRequestsPerReplica < spec.WorkersPerReplica || spec.MaxConcurrentRequestsPerReplica > MaxConcurrentLimit)
            throw Invalid($"maxConcurrentRequestsPerReplica is {spec.MaxConcurrentRequestsPerReplica}; it must be from workersPerReplica ({spec.WorkersPerReplica}) to {MaxConcurrentLimit}.");
        if (spec.RequestTimeoutMs is < 1 or > MaxTimeoutMs)
            throw Invalid($"requestTimeoutMs is {spec.RequestTimeoutMs}; it must be from 1 to {MaxTimeoutMs}.");
        if (spec.EntryScript is not null)
        {
            if (spec.SnapshotId is null) throw Invalid($"entryScript '{Short(spec.EntryScript)}' needs snapshotId: the source folder that holds it.");
            try { Validate.RelativePath(spec.EntryScript); }
            catch (LoomException) { throw Invalid($"entryScript '{Short(spec.EntryScript)}' must be a relative path in the source folder."); }
        }
        if (spec.SampleRequest is { } sample)
        {
            if (sample.Length > MaxSampleBytes) throw Invalid($"sampleRequest is limited to {MaxSampleBytes:N0} characters.");
            try { using var _ = JsonDocument.Parse(sample); }
            catch (JsonException e) { throw Invalid($"sampleRequest must be JSON text: {e.Message}"); }
        }
        if (spec.Variables.Count > MaxVariables) throw Invalid($"A deployment has at most {MaxVariables} variables.");
        foreach (var (name, value) in spec.Variables)
        {
            if (name is null || name.Length > 255 || !VariablePattern().IsMatch(name))
                throw Invalid($"Variable name '{Short(name ?? "")}' is invalid: use letters, digits and '_', not starting with a digit.");
            if (value is null || value.Length > Validate.MaxValueLength || value.Contains('\0'))
                throw Invalid($"Variable '{name}' must have a value of at most {Validate.MaxValueLength} characters without NUL.");
        }
        return spec;
    }

    private static bool ValidName(string name)
    {
        try { Validate.Name(name, "x"); return true; }
        catch (LoomException) { return false; }
    }

    private static string Short(string text) => text.Length <= 80 ? text : text[..77] + "...";

    private static LoomException Invalid(string detail) => new(ErrorCodes.InvalidDeployment, detail);
}
