using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Loom.Contracts;

/// <summary>
/// A snapshot's canonical text and id, the same for server and clients: entries sorted by path (ordinal), one UTF-8
/// line each, <c>path\tsize\tmode-octal\tsha256\n</c>; the id is the SHA-256 (lower-case hex) of that text.
/// </summary>
public static class SnapshotIds
{
    /// <summary>The canonical text of entries already sorted by path.</summary>
    public static byte[] Canonical(IReadOnlyList<SnapshotEntryDto> sorted)
    {
        var text = new StringBuilder();
        foreach (var e in sorted)
            text.Append(e.Path).Append('\t').Append(e.Size.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(Convert.ToString(e.Mode, 8)).Append('\t').Append(e.Sha256).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The id of a snapshot of <paramref name="entries"/>, in any order.</summary>
    public static string Of(IEnumerable<SnapshotEntryDto> entries)
    {
        var sorted = entries.ToList();
        sorted.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return Convert.ToHexStringLower(SHA256.HashData(Canonical(sorted)));
    }
}
