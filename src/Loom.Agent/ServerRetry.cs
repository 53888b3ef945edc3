using Loom.Client;

namespace Loom.Agent;

/// <summary>
/// Calls the server until it answers. An agent outlives server restarts: a connection refused, a reset or a 5xx
/// is waited out with a backoff that never exceeds <see cref="MaxDelay"/>, so the agent is back within seconds of
/// the server. Problems the server states (4xx) are answers and are thrown.
/// </summary>
internal static class ServerRetry
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Calls <paramref name="call"/> until it succeeds, fails for good, or <paramref name="cancellationToken"/> ends it.</summary>
    /// <param name="call">The call; its token also ends when <paramref name="attemptTimeout"/> passes.</param>
    /// <param name="onTransient">Told of each failure that will be retried (the first of a row is worth a line in the log).</param>
    /// <param name="attemptTimeout">Bounds one attempt, so a server that accepted the connection and hangs is tried again.</param>
    /// <param name="cancellationToken">Ends the retries.</param>
    public static async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, Action<Exception, int>? onTransient = null,
        TimeSpan? attemptTimeout = null, CancellationToken cancellationToken = default)
    {
        var delay = FirstDelay;
        for (var failures = 1; ; failures++)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (attemptTimeout is { } timeout) attempt.CancelAfter(timeout);
            try
            {
                return await call(attempt.Token);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                onTransient?.Invoke(e, failures);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }

    /// <summary>The same for calls without a result.</summary>
    public static Task CallAsync(Func<CancellationToken, Task> call, Action<Exception, int>? onTransient = null,
        TimeSpan? attemptTimeout = null, CancellationToken cancellationToken = default) =>
        CallAsync(async ct =>
        {
            await call(ct);
            return true;
        }, onTransient, attemptTimeout, cancellationToken);

    /// <summary>Whether <paramref name="exception"/> says the server could not answer (rather than what it answered).</summary>
    public static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        // Our own token ends the retries; any other cancellation is an attempt's timeout.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        // A local file error is not the server's: only the transport's IO failures are retried.
        HttpRequestException or HttpIOException or IOException { InnerException: System.Net.Sockets.SocketException } => true,
        LoomApiException api => api.Status >= 500 || api.Status is 408 or 429,
        _ => false,
    };
}
