using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Loom.Client.Http;
using Loom.Client.Snapshots;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>
/// The model registry: register from local files (content-addressed, so unchanged files are not uploaded again) or from a
/// run's artifacts, search, read, tag, delete, and download to a folder (each file checked against its SHA-256) or a zip.
/// </summary>
public sealed class ModelsClient
{
    private const int BufferSize = 81920;
    private const int MaxFiles = 100_000;
    private readonly LoomHttp http;
    private readonly BlobUploader uploader;

    internal ModelsClient(LoomHttp http)
    {
        this.http = http;
        uploader = new BlobUploader(http);
    }

    /// <summary>
    /// <c>POST /models</c> as given: <c>Files</c> whose blobs are uploaded, or a run's <c>RunId</c> and <c>Path</c>. With an
    /// <c>idempotencyKey</c> the call is retried on transient failures and registers once.
    /// </summary>
    public Task<ModelDto> RegisterAsync(string workspace, RegisterModelRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<ModelDto>(HttpMethod.Post, ApiPaths.Models(workspace), request, idempotencyKey, retryable: false, cancellationToken);

    /// <summary>
    /// Registers a local file or folder as the next version of <c>request.Name</c> (its other fields are the metadata; its files,
    /// run and path are ignored). A file is registered under its name, a folder's files under the folder's name
    /// (<c>model/weights.bin</c>), all of them but <c>.git</c> (no ignore file counts). Files the hash cache knows are not read, blobs
    /// the server holds are not uploaded; <c>options.Progress</c> reports both phases.
    /// </summary>
    public async Task<ModelDto> RegisterFromPathAsync(string workspace, string localPath, RegisterModelRequest request, SnapshotUploadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new SnapshotUploadOptions();
        var full = Path.GetFullPath(localPath).TrimEnd(Path.DirectorySeparatorChar);
        var name = Path.GetFileName(full);
        IReadOnlyList<SnapshotFile> files;
        if (File.Exists(full))
            files = BlobUploader.Stat(full, name) is { } file ? [file] : throw new FileNotFoundException($"'{localPath}' is a broken link.", localPath);
        else if (Directory.Exists(full))
            files = BlobUploader.WalkAll(full).Select(f => f with { Path = name + "/" + f.Path }).ToList();
        else throw new FileNotFoundException($"'{localPath}' is neither a file nor a folder.", localPath);
        if (files.Count == 0) throw new LoomValidationException(400, ErrorCodes.InvalidModel, $"Folder '{localPath}' has no files to register.");
        if (files.Count > MaxFiles)
            throw new LoomValidationException(400, ErrorCodes.InvalidModel, $"A model holds at most {MaxFiles} files; '{localPath}' has {files.Count}.");

        // Models keep their hashes apart from snapshots' (a folder's two file sets would evict each other), where the Python client does.
        var cache = HashCache.Load(full, options.CacheFolder ?? Path.Combine(HashCache.DefaultFolder(), "models"));
        var (entries, _) = BlobUploader.Hash(files, cache, options, cancellationToken);
        cache.Save(files);
        await uploader.UploadMissingAsync(workspace, files, entries.Select(e => e.Sha256).ToList(), options, cancellationToken);
        var registration = request with { Files = entries, RunId = null, Path = null };
        return await RegisterAsync(workspace, registration, Guid.NewGuid().ToString("N"), cancellationToken);
    }

    /// <summary>Registers a run's artifact file or folder (e.g. <c>outputs/model.pkl</c> or <c>outputs</c>), recording the run as its source.</summary>
    public Task<ModelDto> RegisterFromRunAsync(string workspace, string runId, string path, RegisterModelRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        RegisterAsync(workspace, request with { Files = null, RunId = runId, Path = path }, idempotencyKey ?? Guid.NewGuid().ToString("N"), cancellationToken);

    /// <summary>
    /// One page of a search: the latest matching version of each name (every matching version with <paramref name="allVersions"/>).
    /// Each tag is <c>key</c> (present) or <c>key=value</c>; all must hold.
    /// </summary>
    public Task<ListResult<ModelDto>> ListAsync(string workspace, string? name = null, IReadOnlyList<string>? tags = null, bool allVersions = false,
        int? pageSize = null, string? pageToken = null, CancellationToken cancellationToken = default) =>
        http.GetAsync<ListResult<ModelDto>>(ApiPaths.WithQuery(ApiPaths.Models(workspace),
        [
            ("name", name), .. (tags ?? []).Select(t => ("tag", (object?)t)), ("allVersions", allVersions ? true : null),
            ("pageSize", pageSize), ("pageToken", pageToken),
        ]), cancellationToken);

    /// <summary>Every match of a search, following page tokens as the caller reads on.</summary>
    public async IAsyncEnumerable<ModelDto> ListAllAsync(string workspace, string? name = null, IReadOnlyList<string>? tags = null, bool allVersions = false,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? pageToken = null;
        do
        {
            var page = await ListAsync(workspace, name, tags, allVersions, pageSize: null, pageToken, cancellationToken);
            foreach (var model in page.Value) yield return model;
            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);
    }

    /// <summary>One version of a model; the latest when <paramref name="version"/> is null.</summary>
    public Task<ModelDto> GetAsync(string workspace, string name, int? version = null, CancellationToken cancellationToken = default) =>
        http.GetAsync<ModelDto>(ApiPaths.ModelVersion(workspace, name, version), cancellationToken);

    /// <summary>Every version of a model, oldest first.</summary>
    public async Task<IReadOnlyList<ModelDto>> ListVersionsAsync(string workspace, string name, CancellationToken cancellationToken = default) =>
        (await http.GetAsync<ListResult<ModelDto>>($"{ApiPaths.Models(workspace)}/{ApiPaths.Escape(name)}/versions", cancellationToken)).Value;

    /// <summary>Lineage: the model versions registered from a run.</summary>
    public async Task<IReadOnlyList<ModelDto>> ListByRunAsync(string workspace, string runId, CancellationToken cancellationToken = default) =>
        (await http.GetAsync<ListResult<ModelDto>>($"{ApiPaths.Run(workspace, runId)}/models", cancellationToken)).Value;

    /// <summary>Merges tags, removes <c>RemoveTags</c>, and sets the description when given (<c>""</c> clears it).</summary>
    public Task<ModelDto> UpdateAsync(string workspace, string name, int? version, UpdateModelRequest request, CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<ModelDto>(HttpMethod.Patch, ApiPaths.ModelVersion(workspace, name, version), request, idempotencyKey: null, retryable: false,
            cancellationToken);

    /// <summary>Deletes one version; refused (<c>model_in_use</c>) while a live deployment uses it.</summary>
    public Task DeleteAsync(string workspace, string name, int version, CancellationToken cancellationToken = default) =>
        http.SendAsync(HttpMethod.Delete, ApiPaths.ModelVersion(workspace, name, version), cancellationToken);

    /// <summary>
    /// Downloads a version's files into <paramref name="folder"/> with the model's layout, each written under a temporary name,
    /// checked against its SHA-256 and renamed; modes are kept. Returns the version downloaded.
    /// </summary>
    public async Task<ModelDto> DownloadAsync(string workspace, string name, int? version, string folder, Action<TransferProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var model = await GetAsync(workspace, name, version, cancellationToken);
        var root = Path.GetFullPath(folder);
        Directory.CreateDirectory(root);
        long done = 0;
        progress?.Invoke(new TransferProgress(0, model.Bytes));
        foreach (var file in model.Files)
        {
            var target = TargetOf(root, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var partial = target + ".partial";
            try
            {
                string sha;
                await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
                    sha = await CopyAsync($"{ApiPaths.ModelVersion(workspace, model.Name, model.Version)}/files/{ApiPaths.EscapePath(file.Path)}", output,
                        bytes =>
                        {
                            done += bytes;
                            progress?.Invoke(new TransferProgress(done, model.Bytes));
                        }, cancellationToken);
                if (sha != file.Sha256)
                    throw new InvalidDataException($"'{file.Path}' of model {model.Name}:{model.Version} arrived with SHA-256 {sha}, not {file.Sha256}.");
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(partial, (UnixFileMode)file.Mode);
                File.Move(partial, target, overwrite: true);
            }
            catch
            {
                File.Delete(partial);
                throw;
            }
        }
        return model;
    }

    /// <summary>Copies a version's files as a zip (modes kept) into <paramref name="destination"/>; returns its size.</summary>
    public async Task<long> DownloadZipAsync(string workspace, string name, int? version, Stream destination, Action<TransferProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        long done = 0;
        progress?.Invoke(new TransferProgress(0, null));
        await CopyAsync($"{ApiPaths.ModelVersion(workspace, name, version)}/zip", destination,
            bytes =>
            {
                done += bytes;
                progress?.Invoke(new TransferProgress(done, null));
            }, cancellationToken);
        return done;
    }

    /// <summary>Downloads a version as a zip file, written under a temporary name and renamed when complete.</summary>
    public Task<long> DownloadZipFileAsync(string workspace, string name, int? version, string filePath, Action<TransferProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        PartialFile.WriteAsync(filePath, file => DownloadZipAsync(workspace, name, version, file, progress, cancellationToken));

    /// <summary>Copies a response body into <paramref name="destination"/>, reporting each chunk; returns its SHA-256.</summary>
    private async Task<string> CopyAsync(string url, Stream destination, Action<int> copied, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, http.Url(url)),
            retryable: true, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            hash.AppendData(buffer, 0, read);
            copied(read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The local file for a model path; a path that would land outside the folder is refused.</summary>
    private static string TargetOf(string root, string path)
    {
        var target = Path.GetFullPath(Path.Combine(root, path.Replace('/', Path.DirectorySeparatorChar)));
        if (!target.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new IOException($"model path '{path}' would be written outside {root}");
        return target;
    }
}
