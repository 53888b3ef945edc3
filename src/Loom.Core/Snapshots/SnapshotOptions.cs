namespace Loom.Core.Snapshots;

/// <summary>Snapshot limits, bound from the <c>Snapshots</c> configuration section.</summary>
public sealed class SnapshotOptions
{
    /// <summary>Most files one snapshot may hold. Default: 100,000.</summary>
    public int MaxFiles { get; set; } = 100_000;

    /// <summary>Most bytes (sum of file sizes) one snapshot may hold. Default: 2 GiB.</summary>
    public long MaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Most hashes one <c>POST /snapshots/missing</c> call may ask about. Default: 100,000.</summary>
    public int MaxMissingQuery { get; set; } = 100_000;
}
