using Loom.Client;

namespace Loom.Agent.Uploads;

/// <summary>
/// Uploads the files of a working-folder subfolder (<c>./outputs</c>, <c>./logs</c>) as artifacts under a prefix,
/// each file again only when its size or time changed since its last upload.
/// </summary>
internal sealed class FolderUploader(ArtifactsClient artifacts, string workspace, string runId, string folder, string prefix, Action<string> warn)
{
    private const int Parallelism = 4;
    private readonly Dictionary<string, (long Size, DateTime Modified)> uploaded = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>Uploads new and changed files; returns how many files and bytes went up in this call.</summary>
    public async Task<(int Files, long Bytes)> UploadChangedAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder)) return (0, 0);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var changed = new List<(string Path, FileInfo File)>();
            foreach (var path in Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            {
                var file = new FileInfo(path);
                var relative = Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');
                if (uploaded.TryGetValue(relative, out var seen) && seen == (file.Length, file.LastWriteTimeUtc)) continue;
                changed.Add((relative, file));
            }
            var files = 0;
            long bytes = 0;
            await Parallel.ForEachAsync(changed, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (item, ct) =>
                {
                    var state = (item.File.Length, item.File.LastWriteTimeUtc);
                    try
                    {
                        await ServerRetry.CallAsync(c => artifacts.UploadFileAsync(workspace, runId, $"{prefix}/{item.Path}", item.File.FullName, cancellationToken: c),
                            cancellationToken: ct);
                    }
                    catch (Exception e) when (e is LoomApiException or IOException or UnauthorizedAccessException)
                    {
                        // One unreadable or refused file must not keep the others from the run.
                        warn($"could not upload {prefix}/{item.Path}: {e.Message}");
                        return;
                    }
                    lock (uploaded)
                    {
                        uploaded[item.Path] = state;
                        files++;
                        bytes += state.Length;
                    }
                });
            return (files, bytes);
        }
        finally
        {
            gate.Release();
        }
    }
}
