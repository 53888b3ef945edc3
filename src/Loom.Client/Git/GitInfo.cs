using LibGit2Sharp;

namespace Loom.Client.Git;

/// <summary>
/// Captures the git state of a source folder as the run properties Azure ML v1 records (see
/// <see cref="GitProperties"/>). Reads the repository with libgit2, so no <c>git</c> executable is needed;
/// the Python client gets the same answers from the <c>git</c> command (tests/vectors/git prove they agree).
/// </summary>
public static class GitInfo
{
    /// <summary>
    /// The git properties of the work tree that holds <paramref name="folder"/> (which may be nested in it),
    /// or null when the folder is not inside a work tree (or the repository can't be read).
    /// </summary>
    public static IReadOnlyDictionary<string, string>? Capture(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) return null;
        try
        {
            var gitDir = Repository.Discover(full);
            if (gitDir is null) return null;
            using var repo = new Repository(gitDir);
            var root = repo.Info.WorkingDirectory;
            // Bare repositories, and folders inside .git itself, are not in a work tree (as `git rev-parse` says).
            if (root is null || IsInside(full, repo.Info.Path)) return null;

            var origin = repo.Network.Remotes["origin"]?.Url;
            var uri = string.IsNullOrEmpty(origin) ? Path.TrimEndingDirectorySeparator(root) : GitUrl.StripCredentials(origin);
            var branch = repo.Info.IsHeadDetached ? "" : repo.Head.FriendlyName;
            var commit = repo.Head.Tip?.Sha ?? "";
            var dirty = IsDirty(repo) ? "true" : "false";
            return new Dictionary<string, string>
            {
                [GitProperties.RepositoryUri] = uri,
                [GitProperties.Branch] = branch,
                [GitProperties.Commit] = commit,
                [GitProperties.Dirty] = dirty,
                [GitProperties.MlflowRepoUrl] = uri,
                [GitProperties.MlflowBranch] = branch,
                [GitProperties.MlflowCommit] = commit,
            };
        }
        catch (LibGit2SharpException)
        {
            return null; // unreadable or untrusted repository: record nothing rather than fail the run
        }
    }

    private static bool IsDirty(Repository repo)
    {
        // Untracked folders are not recursed into: one untracked entry is enough to know, and it keeps
        // a large untracked tree cheap.
        var options = new StatusOptions { IncludeIgnored = false, IncludeUntracked = true, RecurseUntrackedDirs = false, DisablePathSpecMatch = true };
        foreach (var entry in repo.RetrieveStatus(options))
            if (entry.State is not (FileStatus.Unaltered or FileStatus.Ignored)) return true;
        return false;
    }

    private static bool IsInside(string path, string folder)
    {
        var withSlash = Path.TrimEndingDirectorySeparator(path) + Path.DirectorySeparatorChar;
        return withSlash.StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
