using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Loom.Client;
using Loom.Contracts;

namespace Loom.Agent.Snapshots;

/// <summary>
/// Snapshots kept once per id under <c>&lt;cache&gt;/snapshots/&lt;id&gt;/</c>. A snapshot is downloaded into a temporary
/// folder and renamed into place when complete, under a lock file, so agents sharing the cache fetch it once and
/// never see half of it.
/// </summary>
public sealed partial class SnapshotCache(string cacheDirectory, SnapshotsClient snapshots)
{
    private const string ManifestFile = "manifest.json";
    private const int Parallelism = 4;
    private const UnixFileMode PermissionBits = (UnixFileMode)0b111_111_111;

    private string Root => Path.Combine(cacheDirectory, "snapshots");

    /// <summary>The snapshot's cached files, downloaded first (with the agent token) when they are not there.</summary>
    public async Task<CachedSnapshot> GetAsync(string workspace, string snapshotId, CancellationToken cancellationToken = default)
    {
        if (!IdPattern().IsMatch(snapshotId)) throw new InvalidDataException($"'{snapshotId}' is not a snapshot id.");
        var folder = Path.Combine(Root, snapshotId);
        if (Load(snapshotId, folder) is { } cached) return cached;
        using var held = await FileLock.AcquireAsync(folder + ".lock", cancellationToken);
        // Another agent may have fetched it while we waited for the lock.
        if (Load(snapshotId, folder) is { } fetched) return fetched;

        var manifest = await ServerRetry.CallAsync(ct => snapshots.GetAsync(workspace, snapshotId, ct), cancellationToken: cancellationToken);
        var temp = $"{folder}.tmp-{Guid.NewGuid():N}";
        try
        {
            var files = Path.Combine(temp, "files");
            Directory.CreateDirectory(files);
            await Parallel.ForEachAsync(manifest.Entries, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                (entry, ct) => DownloadAsync(workspace, snapshotId, entry, Inside(files, entry.Path), ct));
            await File.WriteAllBytesAsync(Path.Combine(temp, ManifestFile), JsonSerializer.SerializeToUtf8Bytes(manifest.Entries, LoomJson.Options),
                cancellationToken);
            Directory.Move(temp, folder);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
        return new CachedSnapshot(snapshotId, folder, manifest.Entries, FromCache: false);
    }

    /// <summary>Copies the snapshot into <paramref name="destination"/> (made fresh: anything there is removed), with each file's mode.</summary>
    public static void CopyTo(CachedSnapshot snapshot, string destination)
    {
        if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
        Directory.CreateDirectory(destination);
        foreach (var entry in snapshot.Entries)
        {
            var target = Inside(destination, entry.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Inside(snapshot.FilesFolder, entry.Path), target);
            File.SetUnixFileMode(target, (UnixFileMode)entry.Mode & PermissionBits);
        }
    }

    private async ValueTask DownloadAsync(string workspace, string snapshotId, SnapshotEntryDto entry, string target, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await ServerRetry.CallAsync(async ct =>
        {
            await using (var file = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                await snapshots.DownloadFileAsync(workspace, snapshotId, entry.Path, file, ct);
        }, cancellationToken: cancellationToken);
        string sha;
        await using (var file = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
        if (!string.Equals(sha, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"Snapshot file '{entry.Path}' arrived with SHA-256 {sha}, not {entry.Sha256}.");
        File.SetUnixFileMode(target, (UnixFileMode)entry.Mode & PermissionBits);
    }

    private static CachedSnapshot? Load(string snapshotId, string folder)
    {
        var manifest = Path.Combine(folder, ManifestFile);
        if (!File.Exists(manifest)) return null;
        var entries = JsonSerializer.Deserialize<List<SnapshotEntryDto>>(File.ReadAllBytes(manifest), LoomJson.Options)
            ?? throw new InvalidDataException($"{manifest} is empty.");
        return new CachedSnapshot(snapshotId, folder, entries, FromCache: true);
    }

    /// <summary>The local path of a manifest path, refusing any that would land outside <paramref name="root"/>.</summary>
    private static string Inside(string root, string path)
    {
        var full = Path.GetFullPath(Path.Combine(root, path));
        var prefix = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        if (Path.IsPathRooted(path) || !full.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidDataException($"Snapshot path '{path}' leaves the snapshot folder.");
        return full;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex IdPattern();
}
