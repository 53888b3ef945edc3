using System.Text.Json;
using Loom.Client.Git;
using Loom.TestKit;

namespace Loom.Tests.Git;

/// <summary>
/// The shared git scenarios (tests/vectors/git/*.json): real repositories made with the git CLI; the Python
/// client runs the same ones (tests/python/test_git.py), so both clients are proven to agree.
/// </summary>
public sealed class GitVectorTests
{
    public static TheoryData<string> Vectors() => VectorNames("git");

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Capture_gives_what_the_vector_expects(string vector)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorFolder("git"), vector)));
        using var temp = new TempDirectory("loom-git");
        var root = Path.TrimEndingDirectorySeparator(temp.Path);
        foreach (var step in doc.RootElement.GetProperty("steps").EnumerateArray()) Apply(root, step);
        var folder = doc.RootElement.TryGetProperty("folder", out var sub) ? Path.Combine([root, .. sub.GetString()!.Split('/')]) : root;

        var actual = GitInfo.Capture(folder);

        var expected = doc.RootElement.GetProperty("expected");
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.Null(actual);
            return;
        }
        var head = expected.EnumerateObject().Any(p => p.Value.GetString() == "<HEAD>") ? GitRepo.Run(root, "rev-parse", "HEAD") : "";
        var want = expected.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!.Replace("<root>", root).Replace("<HEAD>", head));
        Assert.NotNull(actual);
        Assert.Equal(want.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void There_are_vectors() => Assert.True(Vectors().Count >= 12);

    [Fact]
    public void Strip_credentials_matches_the_shared_url_cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorFolder("git"), "urls", "strip_credentials.json")));
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.True(cases.Count >= 8);
        foreach (var pair in cases)
            Assert.Equal(pair[1].GetString(), GitUrl.StripCredentials(pair[0].GetString()!));
    }

    private static void Apply(string root, JsonElement step)
    {
        if (step.TryGetProperty("write", out var write))
        {
            foreach (var file in write.EnumerateObject())
            {
                var full = Path.Combine([root, .. file.Name.Split('/')]);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, file.Value.GetString());
            }
        }
        else if (step.TryGetProperty("mkdir", out var mkdir)) Directory.CreateDirectory(Path.Combine([root, .. mkdir.GetString()!.Split('/')]));
        else if (step.TryGetProperty("delete", out var delete)) File.Delete(Path.Combine([root, .. delete.GetString()!.Split('/')]));
        else if (step.TryGetProperty("git", out var git)) GitRepo.Run(root, git.EnumerateArray().Select(a => a.GetString()!));
        else throw new InvalidOperationException("unknown step " + step);
    }

    private static TheoryData<string> VectorNames(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(VectorFolder(kind), "*.json").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    private static string VectorFolder(string kind)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "vectors", kind);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/vectors/" + kind + " not found above " + AppContext.BaseDirectory);
    }
}
