using Loom.Blobs;
using Loom.Contracts;
using Loom.Core.Serving;

namespace Loom.Serving;

/// <summary>
/// Lays out a generation's folder from blobs: <c>models/</c> in Azure ML v1's layout (one model: its files as
/// registered, <c>models/model.pkl</c>; several: <c>models/&lt;name&gt;/&lt;version&gt;/...</c>) and <c>src/</c>, the
/// source snapshot with each file's mode.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class GenerationFolder
{
    private const UnixFileMode PermissionBits = (UnixFileMode)0b111_111_111;
    private const UnixFileMode ModelFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const int Parallelism = 4;

    public static string Models(string folder) => Path.Combine(folder, "models");

    public static string Source(string folder) => Path.Combine(folder, "src");

    /// <summary>Writes the folder afresh (anything there is removed); throws <see cref="InvalidDataException"/> for a missing blob or a path that leaves it.</summary>
    public static async Task PrepareAsync(DeploymentPlan plan, string folder, IBlobStore blobs, CancellationToken cancellationToken)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        var models = Models(folder);
        var source = Source(folder);
        Directory.CreateDirectory(models);
        Directory.CreateDirectory(source);
        var files = new List<(SnapshotEntryDto Entry, string Target, UnixFileMode Mode)>();
        foreach (var model in plan.Models)
        {
            var root = plan.Models.Count == 1
                ? models
                : Inside(models, $"{model.Name}/{model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            files.AddRange(model.Files.Select(f => (f, Inside(root, f.Path), ModelFileMode)));
        }
        files.AddRange(plan.SourceFiles.Select(f => (f, Inside(source, f.Path), (UnixFileMode)f.Mode & PermissionBits)));
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            (file, ct) => CopyAsync(blobs, file.Entry, file.Target, file.Mode, ct));
    }

    /// <summary>The local path of a relative path under <paramref name="root"/>, refusing any that would leave it.</summary>
    public static string Inside(string root, string path)
    {
        var full = Path.GetFullPath(Path.Combine(root, path));
        var prefix = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        if (Path.IsPathRooted(path) || !full.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidDataException($"The path '{path}' leaves its folder.");
        return full;
    }

    private static async ValueTask CopyAsync(IBlobStore blobs, SnapshotEntryDto entry, string target, UnixFileMode mode, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await using (var blob = await blobs.OpenReadAsync(entry.Sha256.ToLowerInvariant(), cancellationToken)
            ?? throw new InvalidDataException($"The blob of '{entry.Path}' ({entry.Sha256}) is not stored."))
        await using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            // The blob store checked the hash when the blob was stored.
            await blob.CopyToAsync(file, 1 << 16, cancellationToken);
        }
        File.SetUnixFileMode(target, mode == 0 ? ModelFileMode : mode);
    }
}
