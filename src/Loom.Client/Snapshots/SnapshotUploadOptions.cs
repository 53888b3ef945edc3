namespace Loom.Client.Snapshots;

/// <summary>Client-side settings of <see cref="SnapshotsClient.CreateFromFolderAsync"/>; the limits mirror the server's defaults.</summary>
public sealed class SnapshotUploadOptions
{
    /// <summary>Most files a snapshot may hold. Default: 100,000 (the server's default).</summary>
    public int MaxFiles { get; set; } = 100_000;

    /// <summary>Most bytes a snapshot may hold. Default: 2 GiB (the server's default).</summary>
    public long MaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Where hash caches live; null for <see cref="HashCache.DefaultFolder"/>.</summary>
    public string? CacheFolder { get; set; }

    /// <summary>How many uploads run at once. Default: 4.</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>Files below this size travel many to a request (<c>POST /blobs</c>); larger ones one each. Default: 1 MiB.</summary>
    public long SmallFileBytes { get; set; } = 1 << 20;

    /// <summary>Called as hashing and uploading go on (from several threads while uploading).</summary>
    public Action<SnapshotProgress>? Progress { get; set; }
}
