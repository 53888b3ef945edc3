using Loom.Contracts;

namespace Loom.Agent.Snapshots;

/// <summary>A snapshot's files in the agent's cache: <c>files/</c> under <see cref="Folder"/>, beside its manifest.</summary>
/// <param name="Id">The snapshot id.</param>
/// <param name="Folder">The cache folder of this snapshot.</param>
/// <param name="Entries">The manifest: path, size, mode and SHA-256 of each file.</param>
/// <param name="FromCache">True when no file had to be downloaded for this call.</param>
public sealed record CachedSnapshot(string Id, string Folder, IReadOnlyList<SnapshotEntryDto> Entries, bool FromCache)
{
    /// <summary>Where the files are.</summary>
    public string FilesFolder => Path.Combine(Folder, "files");

    /// <summary>The total size of the files.</summary>
    public long Bytes => Entries.Sum(e => e.Size);
}
