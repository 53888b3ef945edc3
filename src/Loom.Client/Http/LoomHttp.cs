using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Loom.Contracts;

namespace Loom.Client.Http;

/// <summary>Sends API calls: adds the token, retries what may be retried, and turns problems into exceptions.</summary>
internal sealed class LoomHttp(Uri baseUrl, string token, HttpClient http, LoomClientOptions options)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private readonly RetryPolicy retry = new(options);

    public Uri BaseUrl { get; } = baseUrl;

    /// <summary>
    /// Sends the request <paramref name="create"/> builds (once per attempt: a sent request cannot be sent again)
    /// and returns the successful response, which the caller disposes.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, bool retryable,
        HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var attempts = retryable ? retry.MaxAttempts : 1;
        for (var attempt = 1; ; attempt++)
        {
            using var request = create();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, completion, cancellationToken);
            }
            catch (HttpRequestException e) when (attempt < attempts && RetryPolicy.IsTransient(e))
            {
                await retry.DelayAsync(attempt, null, cancellationToken);
                continue;
            }
            catch (TaskCanceledException) when (attempt < attempts && !cancellationToken.IsCancellationRequested)
            {
                // HttpClient.Timeout fired, not the caller's token.
                await retry.DelayAsync(attempt, null, cancellationToken);
                continue;
            }

            if (response.IsSuccessStatusCode) return response;
            if (attempt < attempts && RetryPolicy.IsTransient(response.StatusCode))
            {
                var retryAfter = response.Headers.RetryAfter;
                response.Dispose();
                await retry.DelayAsync(attempt, retryAfter, cancellationToken);
                continue;
            }
            using (response)
                throw await ProblemReader.ToExceptionAsync(response, cancellationToken);
        }
    }

    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendJsonAsync<T>(HttpMethod.Get, path, body: null, idempotencyKey: null, retryable: true, cancellationToken);

    /// <summary>Sends a JSON call; <paramref name="retryable"/> is forced on when an idempotency key makes a retry safe.</summary>
    public async Task<T> SendJsonAsync<T>(HttpMethod method, string path, object? body, string? idempotencyKey,
        bool retryable, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => JsonRequest(method, path, body, idempotencyKey),
            retryable || idempotencyKey is not null, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await ReadJsonAsync<T>(response, cancellationToken);
    }

    public async Task SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(method, Url(path)),
            method == HttpMethod.Get, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(LoomJson.Options, cancellationToken)
        ?? throw new JsonException($"The server answered {(int)response.StatusCode} with an empty body where {typeof(T).Name} was expected.");

    public Uri Url(string path) => new(BaseUrl, path);

    private HttpRequestMessage JsonRequest(HttpMethod method, string path, object? body, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(method, Url(path));
        if (body is not null)
        {
            // Serialized per attempt from the same object, so every attempt carries the same bytes.
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), LoomJson.Options);
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }
        if (idempotencyKey is not null) request.Headers.Add(IdempotencyKeyHeader, idempotencyKey);
        return request;
    }
}
