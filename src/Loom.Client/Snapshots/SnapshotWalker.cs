namespace Loom.Client.Snapshots;

/// <summary>Lists the files of a source folder that a snapshot holds, after the ignore rules (<see cref="SnapshotIgnore"/>).</summary>
public static class SnapshotWalker
{
    private const int Executable = 0b111_101_101; // 0755
    private const int Regular = 0b110_100_100;    // 0644

    /// <summary>The kept files under <paramref name="root"/>, ordered by path (ordinal). Symbolic links are followed for files, not for folders.</summary>
    public static IReadOnlyList<SnapshotFile> Walk(string root)
    {
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Source folder '{root}' does not exist.");
        var (ignore, level) = SnapshotIgnore.ForRoot(root);
        var files = new List<SnapshotFile>();
        Walk(ignore, level, root, "", files);
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return files;
    }

    private static void Walk(SnapshotIgnore ignore, SnapshotIgnore.Level level, string folder, string relative, List<SnapshotFile> files)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            var path = relative + entry.Name;
            if (entry is DirectoryInfo directory)
            {
                if (directory.LinkTarget is not null || SnapshotIgnore.IsIgnored(level, path, isDirectory: true)) continue;
                Walk(ignore, ignore.Enter(level, directory.FullName, path + "/"), directory.FullName, path + "/", files);
            }
            else if (entry is FileInfo file && !SnapshotIgnore.IsIgnored(level, path, isDirectory: false))
            {
                var target = file.LinkTarget is null ? file : file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
                if (target is null || !target.Exists) continue;
                files.Add(new SnapshotFile(path, file.FullName, target.Length, ModeOf(target), MtimeNs(target)));
            }
        }
    }

    /// <summary>Like git: 0755 when the owner may execute, else 0644, so a snapshot's id does not depend on umask.</summary>
    private static int ModeOf(FileInfo file) =>
        !OperatingSystem.IsWindows() && (file.UnixFileMode & UnixFileMode.UserExecute) != 0 ? Executable : Regular;

    private static long MtimeNs(FileInfo file) => (file.LastWriteTimeUtc.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
