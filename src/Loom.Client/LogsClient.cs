using System.Globalization;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Loom.Client.Http;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>Log files of a run: offset appends, ranged reads, and following as server-sent events.</summary>
public sealed class LogsClient
{
    private readonly LoomHttp http;

    internal LogsClient(LoomHttp http) => this.http = http;

    /// <summary>
    /// Appends bytes to a log. With <paramref name="offset"/> (where the chunk starts) the call is idempotent, so it is
    /// retried on transient failures; without it the chunk goes at the end and is sent once.
    /// </summary>
    public async Task<LogFileDto> AppendAsync(string workspace, string runId, string file, ReadOnlyMemory<byte> data, long? offset = null,
        CancellationToken cancellationToken = default)
    {
        var url = ApiPaths.WithQuery(LogPath(workspace, runId, file), ("offset", offset));
        using var response = await http.SendAsync(() =>
        {
            var content = new ReadOnlyMemoryContent(data);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return new HttpRequestMessage(HttpMethod.Post, http.Url(url)) { Content = content };
        }, retryable: offset is not null, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await LoomHttp.ReadJsonAsync<LogFileDto>(response, cancellationToken);
    }

    /// <summary>The run's log files and their lengths.</summary>
    public async Task<IReadOnlyList<LogFileDto>> ListAsync(string workspace, string runId, CancellationToken cancellationToken = default) =>
        (await http.GetAsync<ListResult<LogFileDto>>($"{ApiPaths.Run(workspace, runId)}/logs", cancellationToken)).Value;

    /// <summary>Reads <paramref name="length"/> bytes (or to the end) from <paramref name="offset"/>.</summary>
    public async Task<LogSlice> ReadAsync(string workspace, string runId, string file, long offset = 0, long? length = null,
        CancellationToken cancellationToken = default)
    {
        var url = ApiPaths.WithQuery(LogPath(workspace, runId, file), ("offset", offset), ("length", length));
        using var response = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, http.Url(url)),
            retryable: true, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var data = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var total = response.Headers.TryGetValues("Loom-Log-Length", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : offset + data.Length;
        return new LogSlice(offset, data, total);
    }

    /// <summary>
    /// Follows a log from <paramref name="offset"/>: chunks as they are written, then <see cref="LogEnd"/> once the run
    /// has finished and all was sent. Ends with <see cref="HttpRequestException"/> if the stream is cut before that.
    /// </summary>
    public async IAsyncEnumerable<LogEvent> FollowAsync(string workspace, string runId, string file, long offset = 0,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var url = ApiPaths.WithQuery(LogPath(workspace, runId, file), ("follow", true), ("offset", offset > 0 ? offset : null));
        using var response = await http.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, http.Url(url));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            return request;
        }, retryable: true, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            switch (item.EventType)
            {
                case "chunk":
                    yield return Parse<LogChunk>(item.Data);
                    break;
                case "end":
                    yield return Parse<LogEnd>(item.Data);
                    yield break;
            }
        }
        throw new HttpRequestException(HttpRequestError.ResponseEnded,
            $"The log stream of '{file}' ended before the run finished.");
    }

    private static T Parse<T>(string data) =>
        JsonSerializer.Deserialize<T>(data, LoomJson.Options) ?? throw new JsonException($"An empty {typeof(T).Name} event.");

    private static string LogPath(string workspace, string runId, string file) =>
        $"{ApiPaths.Run(workspace, runId)}/logs/{ApiPaths.EscapePath(file)}";
}
