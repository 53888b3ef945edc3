using System.Net.Http.Headers;
using Loom.Client.Http;
using Loom.Client.Snapshots;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>Code snapshots: content-addressed uploads of a source folder, manifests, file and zip downloads.</summary>
public sealed class SnapshotsClient
{
    private const int MissingBatch = 10_000;
    private const long BatchBytes = 8 << 20;
    private const int BatchFiles = 1000;
    private const int LargestListed = 5;
    private readonly LoomHttp http;

    internal SnapshotsClient(LoomHttp http) => this.http = http;

    /// <summary>
    /// Snapshots <paramref name="folder"/>: walks it with its ignore rules, hashes files (reading only those the hash
    /// cache does not know), uploads the blobs the server lacks and stores the manifest.
    /// </summary>
    public async Task<SnapshotResult> CreateFromFolderAsync(string workspace, string folder, SnapshotUploadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new SnapshotUploadOptions();
        var files = SnapshotWalker.Walk(folder);
        CheckLimits(files, options);
        var cache = HashCache.Load(folder, options.CacheFolder);
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
        cache.Save(files);

        // An unchanged folder is a snapshot the server holds already: one small call instead of two large ones.
        var id = SnapshotIds.Of(entries);
        if (await FindSummaryAsync(workspace, id, cancellationToken) is { } stored)
            return new SnapshotResult(stored.Id, stored.Files, stored.Bytes, 0, 0, hashed);

        var byHash = new Dictionary<string, SnapshotFile>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++) byHash.TryAdd(entries[i].Sha256, files[i]);
        var missing = new List<string>();
        foreach (var batch in byHash.Keys.Chunk(MissingBatch))
            missing.AddRange(await MissingAsync(workspace, batch, cancellationToken));
        var uploadedBytes = await UploadMissingAsync(workspace, missing.Select(sha => (sha, byHash[sha])).ToList(), options, cancellationToken);
        var created = await CreateAsync(workspace, entries, cancellationToken);
        return new SnapshotResult(created.Id, created.Files, created.Bytes, missing.Count, uploadedBytes, hashed);
    }

    /// <summary>
    /// Uploads the files the server lacks: small ones batched (up to <see cref="BatchBytes"/> or <see cref="BatchFiles"/> a
    /// request, since per-request costs dwarf their bytes), large ones one per request; returns the bytes sent.
    /// </summary>
    private async Task<long> UploadMissingAsync(string workspace, IReadOnlyList<(string Sha256, SnapshotFile File)> missing, SnapshotUploadOptions options,
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

    /// <summary><c>POST /snapshots/missing</c>: which of <paramref name="sha256"/> the server lacks.</summary>
    public async Task<IReadOnlyList<string>> MissingAsync(string workspace, IReadOnlyList<string> sha256, CancellationToken cancellationToken = default) =>
        (await http.SendJsonAsync<MissingBlobsDto>(HttpMethod.Post, $"{Snapshots(workspace)}/missing", new MissingBlobsRequest(sha256),
            idempotencyKey: null, retryable: true, cancellationToken)).Missing;

    /// <summary><c>PUT /blobs/{sha256}</c>: uploads bytes that must hash to <paramref name="sha256"/>; retried when the stream can seek back.</summary>
    public async Task<BlobDto> UploadBlobAsync(string workspace, string sha256, Stream content, CancellationToken cancellationToken = default)
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

    /// <summary><c>POST /snapshots</c>: stores a manifest whose blobs are uploaded (safe to retry: the same manifest is the same snapshot).</summary>
    public Task<SnapshotCreatedDto> CreateAsync(string workspace, IReadOnlyList<SnapshotEntryDto> entries, CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<SnapshotCreatedDto>(HttpMethod.Post, Snapshots(workspace), new CreateSnapshotRequest(entries),
            idempotencyKey: null, retryable: true, cancellationToken);

    /// <summary>A stored snapshot's counts without its entries, or null when the server does not hold it.</summary>
    public async Task<SnapshotDto?> FindSummaryAsync(string workspace, string id, CancellationToken cancellationToken = default)
    {
        try { return await http.GetAsync<SnapshotDto>($"{Snapshots(workspace)}/{ApiPaths.Escape(id)}?entries=false", cancellationToken); }
        catch (LoomNotFoundException) { return null; }
    }

    public Task<SnapshotDto> GetAsync(string workspace, string id, CancellationToken cancellationToken = default) =>
        http.GetAsync<SnapshotDto>($"{Snapshots(workspace)}/{ApiPaths.Escape(id)}", cancellationToken);

    /// <summary>Copies one file of a snapshot into <paramref name="destination"/>.</summary>
    public Task DownloadFileAsync(string workspace, string id, string path, Stream destination, CancellationToken cancellationToken = default) =>
        CopyAsync($"{Snapshots(workspace)}/{ApiPaths.Escape(id)}/files/{ApiPaths.EscapePath(path)}", destination, cancellationToken);

    /// <summary>Copies the snapshot as a zip into <paramref name="destination"/>.</summary>
    public Task DownloadZipAsync(string workspace, string id, Stream destination, CancellationToken cancellationToken = default) =>
        CopyAsync($"{Snapshots(workspace)}/{ApiPaths.Escape(id)}/zip", destination, cancellationToken);

    private async Task CopyAsync(string url, Stream destination, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, http.Url(url)),
            retryable: true, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
        await source.CopyToAsync(destination, cancellationToken);
    }

    private static void CheckLimits(IReadOnlyList<SnapshotFile> files, SnapshotUploadOptions options)
    {
        var bytes = files.Sum(f => f.Size);
        if (files.Count <= options.MaxFiles && bytes <= options.MaxBytes) return;
        var largest = string.Join(", ", files.OrderByDescending(f => f.Size).ThenBy(f => f.Path, StringComparer.Ordinal)
            .Take(LargestListed).Select(f => $"{f.Path} ({f.Size} bytes)"));
        throw new LoomValidationException(413, ErrorCodes.SnapshotTooLarge,
            $"The snapshot has {files.Count} files and {bytes} bytes; the limits are {options.MaxFiles} files and {options.MaxBytes} bytes. " +
            $"Largest files: {largest}. Leave files out with .amlignore, .loomignore or .gitignore.");
    }

    private static string Snapshots(string workspace) => $"{ApiPaths.Workspace(workspace)}/snapshots";
}
