using System.Net;
using System.Net.Http.Headers;

namespace Loom.Client.Http;

/// <summary>Decides which failures are worth another attempt and how long to wait before it.</summary>
internal sealed class RetryPolicy(LoomClientOptions options)
{
    public int MaxAttempts => Math.Max(1, options.MaxAttempts);

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    public static bool IsTransient(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded
        || (exception.HttpRequestError is HttpRequestError.Unknown && exception.InnerException is IOException);

    public Task DelayAsync(int attempt, RetryConditionHeaderValue? retryAfter, CancellationToken cancellationToken)
    {
        var backoff = options.InitialDelay * Math.Pow(2, attempt - 1);
        // Jitter keeps many clients that failed together from coming back together.
        backoff *= 0.8 + (Random.Shared.NextDouble() * 0.4);
        var delay = retryAfter?.Delta is { } asked && asked > backoff ? asked : backoff;
        if (delay > options.MaxDelay) delay = options.MaxDelay;
        return Task.Delay(delay, options.TimeProvider, cancellationToken);
    }
}
