using System.Globalization;
using System.Text;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Snapshots;

/// <summary>
/// The canonical form of a snapshot: entries sorted by path (ordinal), one UTF-8 line each,
/// <c>path\tsize\tmode-octal\tsha256\n</c>; the snapshot id is the SHA-256 of that text.
/// </summary>
public static class SnapshotManifest
{
    /// <summary>Checks every entry and returns them sorted by path; throws a 400 problem on the first bad one.</summary>
    public static IReadOnlyList<SnapshotEntryDto> Normalize(IReadOnlyList<SnapshotEntryDto>? entries)
    {
        if (entries is null) throw new LoomException(ErrorCodes.InvalidRequest, "A snapshot needs an 'entries' list.");
        var sorted = new List<SnapshotEntryDto>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry is null) throw new LoomException(ErrorCodes.InvalidRequest, "Snapshot entries must not be null.");
            Validate.RelativePath(entry.Path);
            if (entry.Path.Contains('\t') || entry.Path.Contains('\n'))
                throw new LoomException(ErrorCodes.InvalidPath, $"Path '{entry.Path}' is invalid: it contains a tab or newline.");
            if (entry.Size < 0) throw new LoomException(ErrorCodes.InvalidRequest, $"Entry '{entry.Path}' has a negative size.");
            if (entry.Mode is < 0 or > 0xFFF) throw new LoomException(ErrorCodes.InvalidRequest, $"Entry '{entry.Path}' has mode {entry.Mode}: use 0 to 07777.");
            Sha256(entry.Sha256);
            sorted.Add(entry);
        }
        sorted.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in sorted)
            if (!paths.Add(entry.Path)) throw new LoomException(ErrorCodes.InvalidPath, $"Path '{entry.Path}' appears twice.");
        // A path that is also another path's folder could not be written out as a folder or zip.
        foreach (var entry in sorted)
            for (var slash = entry.Path.IndexOf('/'); slash > 0; slash = entry.Path.IndexOf('/', slash + 1))
                if (paths.Contains(entry.Path[..slash]))
                    throw new LoomException(ErrorCodes.InvalidPath, $"Path '{entry.Path[..slash]}' is both a file and the folder of '{entry.Path}'.");
        return sorted;
    }

    /// <summary>The canonical text of entries already sorted by <see cref="Normalize"/>.</summary>
    public static byte[] Canonical(IReadOnlyList<SnapshotEntryDto> sorted) => SnapshotIds.Canonical(sorted);

    /// <summary>Reads canonical text back into entries.</summary>
    public static IReadOnlyList<SnapshotEntryDto> Parse(string text)
    {
        var entries = new List<SnapshotEntryDto>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            entries.Add(new SnapshotEntryDto(f[0], long.Parse(f[1], CultureInfo.InvariantCulture), Convert.ToInt32(f[2], 8), f[3]));
        }
        return entries;
    }

    /// <summary>A content hash: 64 lowercase hex digits.</summary>
    public static string Sha256(string? hash)
    {
        if (hash is null || hash.Length != 64 || !hash.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            throw new LoomException(ErrorCodes.InvalidRequest, $"'{hash}' is not a SHA-256 hash: use 64 lowercase hex digits.");
        return hash;
    }
}
