using Loom.Client.Git;
using Loom.TestKit;

namespace Loom.Tests.Git;

/// <summary>What the shared vectors can't say: paths given in other forms, and secrets never recorded.</summary>
public sealed class GitInfoTests
{
    [Fact]
    public void Missing_folder_gives_null()
    {
        using var temp = new TempDirectory("loom-git");
        Assert.Null(GitInfo.Capture(temp.Combine("nope")));
    }

    [Fact]
    public void Folder_with_trailing_separator_and_dots_reports_the_root()
    {
        using var temp = new TempDirectory("loom-git");
        GitRepo.InitWithCommit(temp.Path);
        Directory.CreateDirectory(temp.Combine("a", "b"));
        var props = GitInfo.Capture(temp.Combine("a", "b", "..") + Path.DirectorySeparatorChar);
        Assert.NotNull(props);
        Assert.Equal(Path.TrimEndingDirectorySeparator(temp.Path), props[GitProperties.RepositoryUri]);
        Assert.Equal(GitRepo.Run(temp.Path, "rev-parse", "HEAD"), props[GitProperties.MlflowCommit]);
    }

    [Fact]
    public void Credentials_are_never_recorded()
    {
        using var temp = new TempDirectory("loom-git");
        GitRepo.InitWithCommit(temp.Path);
        GitRepo.Run(temp.Path, "remote", "add", "origin", "https://bob:hunter2@example.com/r.git");
        var props = GitInfo.Capture(temp.Path);
        Assert.NotNull(props);
        Assert.All(props.Values, v => Assert.DoesNotContain("hunter2", v, StringComparison.Ordinal));
        Assert.All(props.Values, v => Assert.DoesNotContain("bob", v, StringComparison.Ordinal));
        Assert.Equal("https://example.com/r.git", props[GitProperties.MlflowRepoUrl]);
    }

    [Fact]
    public void Dirty_flag_follows_the_work_tree()
    {
        using var temp = new TempDirectory("loom-git");
        GitRepo.InitWithCommit(temp.Path);
        Assert.Equal("false", GitInfo.Capture(temp.Path)![GitProperties.Dirty]);
        File.WriteAllText(temp.Combine("train.py"), "changed\n");
        Assert.Equal("true", GitInfo.Capture(temp.Path)![GitProperties.Dirty]);
        GitRepo.Run(temp.Path, "commit", "-q", "-am", "second");
        Assert.Equal("false", GitInfo.Capture(temp.Path)![GitProperties.Dirty]);
    }
}
