using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Loom.Client.Snapshots;

/// <summary>
/// File hashes of one source folder keyed by (path, size, mtime), like git's index, so an unchanged file is
/// not read again. Kept in <c>~/.cache/loom/hashes/&lt;sha256 of the folder's full path&gt;.json</c>
/// (the same file the Python client uses).
/// </summary>
public sealed class HashCache
{
    private readonly string? file;
    private readonly Dictionary<string, Entry> entries;

    private HashCache(string? file, Dictionary<string, Entry> entries)
    {
        this.file = file;
        this.entries = entries;
    }

    /// <summary>Loads the cache of <paramref name="root"/> from <paramref name="cacheFolder"/> (the default folder when null); a broken file is ignored.</summary>
    public static HashCache Load(string root, string? cacheFolder)
    {
        cacheFolder ??= DefaultFolder();
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar))));
        var file = Path.Combine(cacheFolder, key + ".json");
        try
        {
            using var stream = File.OpenRead(file);
            var stored = JsonSerializer.Deserialize<Stored>(stream);
            if (stored is { Version: 1, Files: not null }) return new HashCache(file, stored.Files);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { }
        return new HashCache(file, new Dictionary<string, Entry>(StringComparer.Ordinal));
    }

    /// <summary><c>$XDG_CACHE_HOME/loom/hashes</c>, else <c>~/.cache/loom/hashes</c>.</summary>
    public static string DefaultFolder()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var cache = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(cache, "loom", "hashes");
    }

    /// <summary>The cached hash of a file whose size and mtime have not changed, else null.</summary>
    public string? Find(SnapshotFile f) =>
        entries.TryGetValue(f.Path, out var e) && e.Size == f.Size && e.Mtime == f.MtimeNs ? e.Sha256 : null;

    public void Set(SnapshotFile f, string sha256) => entries[f.Path] = new Entry(f.Size, f.MtimeNs, sha256);

    /// <summary>Writes the entries of <paramref name="kept"/> only (so deleted files drop out), under a temporary name then renamed.</summary>
    public void Save(IEnumerable<SnapshotFile> kept)
    {
        if (file is null) return;
        var keep = kept.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var stored = new Stored(1, entries.Where(e => keep.Contains(e.Key)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temp = $"{file}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(stored));
            File.Move(temp, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written only costs re-hashing next time.
        }
    }

    public static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private sealed record Stored(
        [property: System.Text.Json.Serialization.JsonPropertyName("version")] int Version,
        [property: System.Text.Json.Serialization.JsonPropertyName("files")] Dictionary<string, Entry>? Files);

    private sealed record Entry(
        [property: System.Text.Json.Serialization.JsonPropertyName("size")] long Size,
        [property: System.Text.Json.Serialization.JsonPropertyName("mtime")] long Mtime,
        [property: System.Text.Json.Serialization.JsonPropertyName("sha256")] string Sha256);
}
