using System.Net.Http.Headers;
using Loom.Client.Http;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>Artifacts of a run: streamed uploads and downloads, listings.</summary>
public sealed class ArtifactsClient
{
    private const int BufferSize = 81920;
    private readonly LoomHttp http;

    internal ArtifactsClient(LoomHttp http) => this.http = http;

    /// <summary>
    /// Uploads <paramref name="content"/> from its current position to its end as the artifact at <paramref name="path"/>
    /// (replacing one there). Retried on transient failures only when the stream can seek back; the stream is not disposed.
    /// </summary>
    public async Task<ArtifactDto> UploadAsync(string workspace, string runId, string path, Stream content, string? contentType = null,
        Action<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var url = ArtifactPath(workspace, runId, path);
        using var response = await http.SendAsync(() =>
        {
            var body = new UploadContent(content, progress);
            body.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/octet-stream");
            return new HttpRequestMessage(HttpMethod.Put, http.Url(url)) { Content = body };
        }, retryable: content.CanSeek, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await LoomHttp.ReadJsonAsync<ArtifactDto>(response, cancellationToken);
    }

    /// <summary>Uploads a local file as the artifact at <paramref name="path"/>.</summary>
    public async Task<ArtifactDto> UploadFileAsync(string workspace, string runId, string path, string filePath, string? contentType = null,
        Action<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        return await UploadAsync(workspace, runId, path, file, contentType, progress, cancellationToken);
    }

    /// <summary>
    /// Copies an artifact into <paramref name="destination"/> and returns its size. Connecting is retried;
    /// a transfer cut midway is not, since part of it is already written.
    /// </summary>
    public async Task<long> DownloadAsync(string workspace, string runId, string path, Stream destination,
        Action<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var url = ArtifactPath(workspace, runId, path);
        using var response = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, http.Url(url)),
            retryable: true, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var total = response.Content.Headers.ContentLength;
        await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[BufferSize];
        long copied = 0;
        int read;
        progress?.Invoke(new TransferProgress(0, total));
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            copied += read;
            progress?.Invoke(new TransferProgress(copied, total));
        }
        return copied;
    }

    /// <summary>Downloads an artifact to a local file, written under a temporary name and renamed when complete.</summary>
    public Task<long> DownloadFileAsync(string workspace, string runId, string path, string filePath,
        Action<TransferProgress>? progress = null, CancellationToken cancellationToken = default) =>
        PartialFile.WriteAsync(filePath, file => DownloadAsync(workspace, runId, path, file, progress, cancellationToken));

    /// <summary>Artifacts under <paramref name="prefix"/>: every file when <paramref name="recursive"/>, else the direct children (directories once).</summary>
    public async Task<IReadOnlyList<ArtifactEntryDto>> ListAsync(string workspace, string runId, string? prefix = null, bool recursive = true,
        CancellationToken cancellationToken = default) =>
        (await http.GetAsync<ListResult<ArtifactEntryDto>>(ApiPaths.WithQuery($"{ApiPaths.Run(workspace, runId)}/artifacts",
            ("prefix", prefix), ("recursive", recursive)), cancellationToken)).Value;

    private static string ArtifactPath(string workspace, string runId, string path) =>
        $"{ApiPaths.Run(workspace, runId)}/artifacts/{ApiPaths.EscapePath(path)}";
}
