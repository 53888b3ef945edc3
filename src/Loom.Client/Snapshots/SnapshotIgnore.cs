using MAB.DotIgnore;

namespace Loom.Client.Snapshots;

/// <summary>
/// The ignore rules of a source folder, as Azure ML applies them: <c>.amlignore</c> and/or <c>.loomignore</c>
/// in the root when either exists (then no <c>.gitignore</c> counts), else every <c>.gitignore</c> of the tree
/// with git's semantics (a deeper file's rules override a shallower one's; the last matching rule wins).
/// The <c>.git</c> folder is always left out.
/// </summary>
public sealed class SnapshotIgnore
{
    private static readonly string[] RootIgnoreFiles = [".amlignore", ".loomignore"];
    private readonly bool useGitignore;

    private SnapshotIgnore(bool useGitignore) => this.useGitignore = useGitignore;

    /// <summary>Reads the root's ignore files and returns the rules for the folder as a whole.</summary>
    public static (SnapshotIgnore Ignore, Level Root) ForRoot(string root)
    {
        var rootFiles = RootIgnoreFiles.Select(f => Path.Combine(root, f)).Where(File.Exists).ToList();
        if (rootFiles.Count > 0)
            return (new SnapshotIgnore(false), new Level(null, "", Rules(rootFiles.SelectMany(File.ReadAllLines))));
        var ignore = new SnapshotIgnore(true);
        return (ignore, ignore.Enter(null, root, ""));
    }

    /// <summary>The rules in force inside folder <paramref name="relative"/> ("" for the root, else ending in '/').</summary>
    public Level Enter(Level? parent, string fullPath, string relative)
    {
        if (!useGitignore) return parent!;
        var gitignore = Path.Combine(fullPath, ".gitignore");
        return File.Exists(gitignore) ? new Level(parent, relative, Rules(File.ReadAllLines(gitignore))) : parent ?? new Level(null, "", []);
    }

    /// <summary>Whether <paramref name="relative"/> ('/'-separated, from the root) is left out.</summary>
    public static bool IsIgnored(Level level, string relative, bool isDirectory)
    {
        if (isDirectory && (relative == ".git" || relative.EndsWith("/.git", StringComparison.Ordinal))) return true;
        return level.Decide(relative, isDirectory) ?? false;
    }

    private static IReadOnlyList<IgnoreRule> Rules(IEnumerable<string> lines) =>
        new IgnoreList(lines.Where(l => l.Trim().Length > 0 && !l.StartsWith('#'))).Rules.ToList();

    /// <summary>One ignore file's rules, applied to paths relative to its folder, over its parent folder's rules.</summary>
    public sealed class Level(Level? parent, string basePath, IReadOnlyList<IgnoreRule> rules)
    {
        /// <summary>True ignored, false re-included, null no rule matched.</summary>
        internal bool? Decide(string relative, bool isDirectory)
        {
            var decision = parent?.Decide(relative, isDirectory);
            if (!relative.StartsWith(basePath, StringComparison.Ordinal)) return decision;
            var local = relative[basePath.Length..];
            foreach (var rule in rules)
                if (rule.IsMatch(local, isDirectory))
                    decision = !rule.PatternFlags.HasFlag(PatternFlags.NEGATION);
            return decision;
        }
    }
}
