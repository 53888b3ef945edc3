using System.Net.Http.Headers;
using Loom.Client.Http;
using Loom.Contracts;

namespace Loom.Client.Snapshots;

/// <summary>
/// Content-addressed uploads of local files, shared by snapshots and models: hashes files (reading only those the hash
/// cache does not know), asks which blobs the server lacks and uploads just those.
/// </summary>
internal sealed class BlobUploader(LoomHttp http)
{
    private const int MissingBatch = 10_000;
    private const long BatchBytes = 8 << 20;
    private const int BatchFiles = 1000;

    /// <summary>
    /// Every file under <paramref name="root"/> with its path from there, ordered by path (ordinal), with no ignore file
    /// counting (a model's folder is taken whole, as Azure ML does), except what is under <c>.git</c>. Symbolic links are
    /// followed for files, not for folders.
    /// </summary>
    public static IReadOnlyList<SnapshotFile> WalkAll(string root)
    {
        var files = new List<SnapshotFile>();
        void Visit(DirectoryInfo folder, string relative)
        {
            foreach (var entry in folder.EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo directory)
                {
                    if (directory.LinkTarget is null && directory.Name != ".git") Visit(directory, relative + directory.Name + "/");
                }
                else if (entry is FileInfo file && Stat(file.FullName, relative + file.Name) is { } found) files.Add(found);
            }
        }
        Visit(new DirectoryInfo(root), "");
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return files;
    }

    /// <summary>
    /// A file as a walk lists it, under <paramref name="path"/>: 0755 when its owner may execute it, else 0644; null for a
    /// broken symbolic link.
    /// </summary>
    public static SnapshotFile? Stat(string fullPath, string path)
    {
        var link = new FileInfo(fullPath);
        var file = link.LinkTarget is null ? link : link.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
        if (file is null || !file.Exists) return null;
        var mode = !OperatingSystem.IsWindows() && (file.UnixFileMode & UnixFileMode.UserExecute) != 0 ? 0b111_101_101 : 0b110_100_100;
        return new SnapshotFile(path, link.FullName, file.Length, mode, (file.LastWriteTimeUtc.Ticks - DateTime.UnixEpoch.Ticks) * 100);
    }

    /// <summary>The manifest entries of <paramref name="files"/> (their own paths) and how many files had to be read.</summary>
    public static (List<SnapshotEntryDto> Entries, int Hashed) Hash(IReadOnlyList<SnapshotFile> files, HashCache cache, SnapshotUploadOptions options,
        CancellationToken cancellationToken)
    {
        var entries = new List<SnapshotEntryDto>(files.Count);
        var hashed = 0;
        var toHash = files.Where(f => cache.Find(f) is null).Sum(f => f.Size);
        long hashedBytes = 0;
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sha = cache.Find(file);
            if (sha is null)
            {
                sha = HashCache.HashFile(file.FullPath);
                cache.Set(file, sha);
                hashed++;
                hashedBytes += file.Size;
                options.Progress?.Invoke(new SnapshotProgress(SnapshotProgress.Hashing, hashedBytes, toHash));
            }
            entries.Add(new SnapshotEntryDto(file.Path, file.Size, file.Mode, sha));
        }
        return (entries, hashed);
    }

    /// <summary>Uploads the files whose hashes (<paramref name="hashes"/>, in the same order) the server lacks; returns how many and their bytes.</summary>
    public async Task<(int Files, long Bytes)> UploadMissingAsync(string workspace, IReadOnlyList<SnapshotFile> files, IReadOnlyList<string> hashes,
        SnapshotUploadOptions options, CancellationToken cancellationToken)
    {
        var byHash = new Dictionary<string, SnapshotFile>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++) byHash.TryAdd(hashes[i], files[i]);
        var missing = new List<string>();
        foreach (var batch in byHash.Keys.Chunk(MissingBatch))
            missing.AddRange(await MissingAsync(workspace, batch, cancellationToken));
        var bytes = await UploadAsync(workspace, missing.Select(sha => (sha, byHash[sha])).ToList(), options, cancellationToken);
        return (missing.Count, bytes);
    }

    /// <summary><c>POST /snapshots/missing</c>: which of <paramref name="sha256"/> the server lacks.</summary>
    public async Task<IReadOnlyList<string>> MissingAsync(string workspace, IReadOnlyList<string> sha256, CancellationToken cancellationToken) =>
        (await http.SendJsonAsync<MissingBlobsDto>(HttpMethod.Post, $"{ApiPaths.Workspace(workspace)}/snapshots/missing", new MissingBlobsRequest(sha256),
            idempotencyKey: null, retryable: true, cancellationToken)).Missing;

    /// <summary><c>PUT /blobs/{sha256}</c>: uploads bytes that must hash to <paramref name="sha256"/>; retried when the stream can seek back.</summary>
    public async Task<BlobDto> UploadBlobAsync(string workspace, string sha256, Stream content, CancellationToken cancellationToken)
    {
        var start = content.CanSeek ? content.Position : 0;
        using var response = await http.SendAsync(() =>
        {
            if (content.CanSeek) content.Position = start;
            var body = new StreamContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return new HttpRequestMessage(HttpMethod.Put, http.Url($"{ApiPaths.Workspace(workspace)}/blobs/{ApiPaths.Escape(sha256)}")) { Content = body };
        }, retryable: content.CanSeek, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await LoomHttp.ReadJsonAsync<BlobDto>(response, cancellationToken);
    }

    /// <summary>
    /// Uploads files: small ones batched (up to <see cref="BatchBytes"/> or <see cref="BatchFiles"/> a request, since
    /// per-request costs dwarf their bytes), large ones one per request; returns the bytes sent.
    /// </summary>
    private async Task<long> UploadAsync(string workspace, IReadOnlyList<(string Sha256, SnapshotFile File)> missing, SnapshotUploadOptions options,
        CancellationToken cancellationToken)
    {
        var total = missing.Sum(m => m.File.Size);
        long sent = 0;
        void Sent(long bytes) => options.Progress?.Invoke(new SnapshotProgress(SnapshotProgress.Uploading, Interlocked.Add(ref sent, bytes), total));
        var requests = new List<IReadOnlyList<(string Sha256, SnapshotFile File)>>();
        var batch = new List<(string, SnapshotFile)>();
        long batchBytes = 0;
        foreach (var blob in missing)
        {
            if (blob.File.Size >= options.SmallFileBytes)
            {
                requests.Add([blob]);
                continue;
            }
            batch.Add(blob);
            batchBytes += blob.File.Size;
            if (batchBytes >= BatchBytes || batch.Count >= BatchFiles)
            {
                requests.Add(batch);
                (batch, batchBytes) = ([], 0);
            }
        }
        if (batch.Count > 0) requests.Add(batch);
        long uploaded = 0;
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken },
            async (request, ct) =>
            {
                if (request.Count == 1 && request[0].File.Size >= options.SmallFileBytes)
                {
                    var (sha, file) = request[0];
                    await using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, useAsync: true);
                    var blob = await UploadBlobAsync(workspace, sha, stream, ct);
                    Sent(blob.Size);
                    Interlocked.Add(ref uploaded, blob.Size);
                    return;
                }
                // Progress counts each attempt's bytes once the batch is stored, so a retried batch is not counted twice.
                using var response = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, http.Url($"{ApiPaths.Workspace(workspace)}/blobs"))
                {
                    Content = new BlobBatchContent(request),
                }, retryable: true, HttpCompletionOption.ResponseContentRead, ct);
                var stored = (await LoomHttp.ReadJsonAsync<ListResult<BlobDto>>(response, ct)).Value.Sum(b => b.Size);
                Sent(stored);
                Interlocked.Add(ref uploaded, stored);
            });
        return uploaded;
    }
}
