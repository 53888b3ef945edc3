using System.Security.Cryptography;
using System.Text;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Snapshots;

namespace Loom.Tests.Snapshots;

public sealed class SnapshotManifestTests
{
    private const string A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    [Fact]
    public void Canonical_text_is_sorted_tab_separated_lines_with_octal_modes()
    {
        var sorted = SnapshotManifest.Normalize([new("src/z.py", 3, 493, A), new("a b.txt", 10, 420, B)]);
        var text = Encoding.UTF8.GetString(SnapshotManifest.Canonical(sorted));
        Assert.Equal($"a b.txt\t10\t644\t{B}\nsrc/z.py\t3\t755\t{A}\n", text);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), Hashes.Sha256Hex(text));
        Assert.Equal(sorted, SnapshotManifest.Parse(text));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData("a\tb")]
    public void Bad_paths_are_refused(string path)
    {
        var e = Assert.Throws<LoomException>(() => SnapshotManifest.Normalize([new SnapshotEntryDto(path, 1, 420, A)]));
        Assert.Equal(ErrorCodes.InvalidPath, e.Code);
    }

    [Fact]
    public void Duplicates_and_file_folder_clashes_are_refused()
    {
        Assert.Equal(ErrorCodes.InvalidPath, Assert.Throws<LoomException>(() => SnapshotManifest.Normalize([new("a", 1, 420, A), new("a", 1, 420, A)])).Code);
        Assert.Equal(ErrorCodes.InvalidPath, Assert.Throws<LoomException>(() => SnapshotManifest.Normalize([new("a", 1, 420, A), new("a/b", 1, 420, A)])).Code);
        Assert.Equal(ErrorCodes.InvalidRequest, Assert.Throws<LoomException>(() => SnapshotManifest.Normalize([new("a", 1, 420, "XYZ")])).Code);
    }
}
