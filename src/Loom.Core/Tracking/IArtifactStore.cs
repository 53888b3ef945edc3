using Loom.Contracts;

namespace Loom.Core.Tracking;

/// <summary>Which blob each artifact path of a run points at.</summary>
public interface IArtifactStore
{
    Task UpsertAsync(long runSeq, ArtifactDto artifact, CancellationToken cancellationToken);
    Task<ArtifactDto?> FindAsync(long runSeq, string path, CancellationToken cancellationToken);

    /// <summary>Artifacts whose path starts with <paramref name="prefix"/>, ordered by path.</summary>
    Task<IReadOnlyList<ArtifactDto>> ListAsync(long runSeq, string prefix, CancellationToken cancellationToken);
}
