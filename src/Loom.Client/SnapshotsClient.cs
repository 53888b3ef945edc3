using Loom.Client.Http;
using Loom.Client.Snapshots;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>Code snapshots: content-addressed uploads of a source folder, manifests, file and zip downloads.</summary>
public sealed class SnapshotsClient
{
    private const int LargestListed = 5;
    private readonly LoomHttp http;
    private readonly BlobUploader uploader;

    internal SnapshotsClient(LoomHttp http)
    {
        this.http = http;
        uploader = new BlobUploader(http);
    }

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
        var (entries, hashed) = BlobUploader.Hash(files, cache, options, cancellationToken);
        cache.Save(files);

        // An unchanged folder is a snapshot the server holds already: one small call instead of two large ones.
        var id = SnapshotIds.Of(entries);
        if (await FindSummaryAsync(workspace, id, cancellationToken) is { } stored)
            return new SnapshotResult(stored.Id, stored.Files, stored.Bytes, 0, 0, hashed);

        var (uploadedFiles, uploadedBytes) = await uploader.UploadMissingAsync(workspace, files, entries.Select(e => e.Sha256).ToList(), options, cancellationToken);
        var created = await CreateAsync(workspace, entries, cancellationToken);
        return new SnapshotResult(created.Id, created.Files, created.Bytes, uploadedFiles, uploadedBytes, hashed);
    }

    /// <summary><c>POST /snapshots/missing</c>: which of <paramref name="sha256"/> the server lacks.</summary>
    public Task<IReadOnlyList<string>> MissingAsync(string workspace, IReadOnlyList<string> sha256, CancellationToken cancellationToken = default) =>
        uploader.MissingAsync(workspace, sha256, cancellationToken);

    /// <summary><c>PUT /blobs/{sha256}</c>: uploads bytes that must hash to <paramref name="sha256"/>; retried when the stream can seek back.</summary>
    public Task<BlobDto> UploadBlobAsync(string workspace, string sha256, Stream content, CancellationToken cancellationToken = default) =>
        uploader.UploadBlobAsync(workspace, sha256, content, cancellationToken);

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
