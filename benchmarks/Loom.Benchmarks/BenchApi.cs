using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Loom.Contracts;

namespace Loom.Benchmarks;

/// <summary>The few REST calls the benchmarks make, over a plain HttpClient (bodies as bytes, so the client stays cheap).</summary>
public sealed class BenchApi(HttpClient http)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public HttpClient Http { get; } = http;

    public static string RunsPath => $"/api/v1/workspaces/{BenchSettings.Workspace}/runs";

    public static string MetricsPath(string runId) => $"{RunsPath}/{runId}/metrics";

    public async Task<RunDto> CreateRunAsync(CreateRunRequest request, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, LoomJson.Options);
        using var response = await PostAsync(RunsPath, body, null, cancellationToken);
        return await ReadAsync<RunDto>(response, cancellationToken);
    }

    /// <summary>POSTs a pre-serialized JSON body with an optional Idempotency-Key; throws with the body on anything but 2xx.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, byte[] body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await EnsureSuccessAsync(response, path, cancellationToken);
        return response;
    }

    /// <summary>POSTs and discards the answer once it is checked.</summary>
    public async Task SendAsync(string path, byte[] body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var response = await PostAsync(path, body, idempotencyKey, cancellationToken);
    }

    public async Task<T> GetAsync<T>(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(pathAndQuery, cancellationToken);
        await EnsureSuccessAsync(response, pathAndQuery, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>GETs and reads the whole body to the last byte; returns its size.</summary>
    public async Task<long> DrainAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, pathAndQuery, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0) total += read;
        return total;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        JsonSerializer.Deserialize<T>(await response.Content.ReadAsByteArrayAsync(cancellationToken), LoomJson.Options)
        ?? throw new InvalidOperationException($"Empty answer from {response.RequestMessage?.RequestUri}.");

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        response.Dispose();
        throw new HttpRequestException($"{(int)response.StatusCode} from {path}: {(text.Length > 300 ? text[..300] : text)}");
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
