using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Environments;

/// <summary>An environment version about to be registered; <see cref="Spec"/> is its canonical JSON.</summary>
public sealed record NewEnvironment(string Name, string Hash, string Spec, string? Description,
    IReadOnlyDictionary<string, string> Tags, DateTimeOffset Time);

/// <summary>A stored environment version; <see cref="Spec"/> is its canonical JSON.</summary>
public sealed record EnvironmentRecord(string Name, int Version, string Hash, string Spec, string? Description,
    IReadOnlyDictionary<string, string> Tags, DateTimeOffset CreatedTime);

public interface IEnvironmentStore
{
    /// <summary>
    /// Stores the next version of a name, unless the latest version has the same hash: then, as on an
    /// idempotent replay, answers with the version already stored. Returns the version number.
    /// </summary>
    Task<int> RegisterAsync(long workspaceId, NewEnvironment environment, IdempotentRequest? idempotency, CancellationToken cancellationToken);

    /// <summary>One version, or the latest when <paramref name="version"/> is null.</summary>
    Task<EnvironmentRecord?> GetAsync(long workspaceId, string name, int? version, CancellationToken cancellationToken);

    /// <summary>Every version of a name, oldest first (empty when the name is unknown).</summary>
    Task<IReadOnlyList<EnvironmentRecord>> ListVersionsAsync(long workspaceId, string name, CancellationToken cancellationToken);

    /// <summary>Every stored name with its latest version, by name.</summary>
    Task<IReadOnlyList<EnvironmentSummaryDto>> ListAsync(long workspaceId, CancellationToken cancellationToken);
}
