using System.Text.Json;
using Loom.Client.Snapshots;
using Loom.TestKit;

namespace Loom.Tests.Snapshots;

/// <summary>The shared ignore vectors (tests/vectors/ignore/*.json); the Python client runs the same ones.</summary>
public sealed class IgnoreVectorTests
{
    public static TheoryData<string> Vectors()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(VectorFolder(), "*.json").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Walker_keeps_what_the_vector_expects(string vector)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorFolder(), vector)));
        using var folder = new TempDirectory("loom-ignore");
        foreach (var file in doc.RootElement.GetProperty("files").EnumerateObject())
        {
            var full = folder.Combine(file.Name.Split('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, file.Value.GetString());
        }
        var expected = doc.RootElement.GetProperty("expected").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(expected, SnapshotWalker.Walk(folder.Path).Select(f => f.Path));
    }

    [Fact]
    public void There_are_vectors() => Assert.True(Vectors().Count >= 8);

    private static string VectorFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "vectors", "ignore");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/vectors/ignore not found above " + AppContext.BaseDirectory);
    }
}
