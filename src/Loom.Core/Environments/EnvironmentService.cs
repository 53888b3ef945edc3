using System.Globalization;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Workspaces;
using Microsoft.Extensions.Logging;

namespace Loom.Core.Environments;

/// <summary>Registers and reads environment versions; serves the curated <c>system</c> environment without storing it.</summary>
public sealed partial class EnvironmentService(IEnvironmentStore store, TimeProvider time, ILogger<EnvironmentService> logger)
{
    public const string Latest = "latest";

    public async Task<EnvironmentDto> RegisterAsync(WorkspaceRecord workspace, CreateEnvironmentRequest request, IdempotentRequest? idempotency,
        CancellationToken cancellationToken)
    {
        var name = Validate.Name(request.Name, "Environment");
        if (EnvironmentRules.IsReserved(name))
            throw new LoomException(ErrorCodes.EnvironmentReserved, $"'{EnvironmentRules.SystemName}' is the curated environment that uses the agent's interpreter; pick another name.");
        Validate.KeyValues(request.Tags, "Tag");
        if (request.Description is { Length: > 10000 })
            throw new LoomException(ErrorCodes.InvalidRequest, "description is limited to 10,000 characters.");
        var spec = EnvironmentRules.Normalize(request.Python, request.Image, request.Variables);
        var hash = spec.Hash();
        var version = await store.RegisterAsync(workspace.Id,
            new NewEnvironment(name, hash, spec.CanonicalJson(), request.Description, request.Tags ?? [], Times.Now(time)), idempotency, cancellationToken);
        LogRegistered(logger, name, version, hash);
        return await GetAsync(workspace, name, version.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    /// <summary>One version; <paramref name="version"/> is a number or <c>latest</c>.</summary>
    public async Task<EnvironmentDto> GetAsync(WorkspaceRecord workspace, string name, string version, CancellationToken cancellationToken)
    {
        Validate.Name(name, "Environment");
        var number = ParseVersion(version);
        if (IsSystem(name))
            return number is null or 1 ? SystemEnvironment(workspace) : throw NotFound(name, version);
        var record = await store.GetAsync(workspace.Id, name, number, cancellationToken) ?? throw NotFound(name, version);
        return ToDto(record);
    }

    public async Task<IReadOnlyList<EnvironmentDto>> ListVersionsAsync(WorkspaceRecord workspace, string name, CancellationToken cancellationToken)
    {
        Validate.Name(name, "Environment");
        if (IsSystem(name)) return [SystemEnvironment(workspace)];
        var records = await store.ListVersionsAsync(workspace.Id, name, cancellationToken);
        return records.Count == 0 ? throw NotFound(name, null) : records.Select(ToDto).ToList();
    }

    /// <summary>Every environment name with its latest version, <c>system</c> first.</summary>
    public async Task<IReadOnlyList<EnvironmentSummaryDto>> ListAsync(WorkspaceRecord workspace, CancellationToken cancellationToken)
    {
        var system = SystemEnvironment(workspace);
        return [new(system.Name, system.Version, system.Hash, system.CreatedTime), .. await store.ListAsync(workspace.Id, cancellationToken)];
    }

    private static bool IsSystem(string name) => name == EnvironmentRules.SystemName;

    /// <summary>The curated environment exists in every workspace from its creation.</summary>
    private static EnvironmentDto SystemEnvironment(WorkspaceRecord workspace)
    {
        var spec = EnvironmentRules.SystemSpec;
        return new(EnvironmentRules.SystemName, 1, spec.Hash(), "The agent's own Python interpreter, as it is.",
            new Dictionary<string, string>(), spec.Python, spec.Image, spec.Variables, workspace.CreatedTime);
    }

    private static int? ParseVersion(string version)
    {
        if (string.Equals(version, Latest, StringComparison.OrdinalIgnoreCase)) return null;
        if (int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
            return number;
        throw new LoomException(ErrorCodes.InvalidRequest, $"Version '{version}' is invalid: use a positive number or '{Latest}'.");
    }

    private static EnvironmentDto ToDto(EnvironmentRecord record)
    {
        var spec = EnvironmentSpec.FromJson(record.Spec);
        return new(record.Name, record.Version, record.Hash, record.Description, record.Tags, spec.Python, spec.Image, spec.Variables, record.CreatedTime);
    }

    private static LoomException NotFound(string name, string? version) =>
        LoomException.NotFound(ErrorCodes.EnvironmentNotFound, "Environment", version is null or Latest ? name : $"{name}:{version}");

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Environment {Name}:{Version} registered (hash {Hash})")]
    private static partial void LogRegistered(ILogger logger, string name, int version, string hash);
}
