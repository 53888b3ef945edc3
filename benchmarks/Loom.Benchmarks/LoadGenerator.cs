using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Loom.Benchmarks;

/// <summary>Where a load run sends its requests: a POST of <see cref="Body"/> (JSON), with a bearer key when given.</summary>
public sealed record LoadTarget(Uri Uri, byte[] Body, string? Bearer);

/// <summary>
/// What one load run measured: answered requests, the non-2xx answers and failed sends among them (with the first one's
/// status and text), the time from the start to the last answer, the latency histogram, and the garbage collections of this
/// process (client and in-process server) during the run.
/// </summary>
public sealed record LoadResult(long Requests, long Errors, string? FirstError, double Seconds, LatencyHistogram Latencies, int[] Collections)
{
    public double RequestsPerSecond => Requests / Seconds;

    public double P50Ms => Latencies.PercentileMs(0.50);

    public double P99Ms => Latencies.PercentileMs(0.99);

    public double MaxMs => Latencies.MaxMs;

    /// <summary>Garbage collections during the run, per generation: "gen0/gen1/gen2".</summary>
    public string CollectionsText => string.Join('/', Collections);
}

/// <summary>
/// Latencies counted in buckets allocated before the run (nothing is allocated per request): 1 µs wide up to 20 ms, 100 µs wide
/// up to 10 s, one bucket beyond. Percentiles are the upper edge of the bucket holding the nearest rank.
/// </summary>
public sealed class LatencyHistogram
{
    private const long FineLimitUs = 20_000;
    private const long CoarseWidthUs = 100;
    private const long CoarseLimitUs = 10_000_000;
    private readonly long[] counts = new long[FineLimitUs + (CoarseLimitUs - FineLimitUs) / CoarseWidthUs + 1];
    private long maxTicks;

    public long Count { get; private set; }

    public double MaxMs => Interlocked.Read(ref maxTicks) * 1000.0 / Stopwatch.Frequency;

    public void Record(long ticks)
    {
        var us = ticks * 1_000_000 / Stopwatch.Frequency;
        var bucket = us < FineLimitUs ? us : Math.Min(FineLimitUs + (us - FineLimitUs) / CoarseWidthUs, counts.Length - 1);
        Interlocked.Increment(ref counts[bucket]);
        var current = Interlocked.Read(ref maxTicks);
        while (ticks > current)
        {
            var seen = Interlocked.CompareExchange(ref maxTicks, ticks, current);
            if (seen == current) break;
            current = seen;
        }
    }

    /// <summary>Totals the buckets; call once the run has ended.</summary>
    public void Seal() => Count = counts.Sum();

    public double PercentileMs(double p)
    {
        if (Count == 0) return double.NaN;
        var rank = Math.Max(1, (long)Math.Ceiling(p * Count));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank) return UpperEdgeUs(i) / 1000.0;
        }
        return MaxMs;
    }

    private static double UpperEdgeUs(long bucket) =>
        bucket < FineLimitUs ? bucket + 1 : FineLimitUs + (bucket - FineLimitUs + 1) * CoarseWidthUs;
}

/// <summary>
/// A closed-loop HTTP load generator on one <see cref="SocketsHttpHandler"/>: N concurrent loops, each sending the next request
/// as soon as the previous one is answered and read to the end, for a fixed duration; each request's latency is kept.
/// Connections are kept alive when the server allows it (a server that closes each one pays for a new connection per request).
/// </summary>
public sealed class LoadGenerator : IDisposable
{
    private readonly HttpMessageInvoker invoker = new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    });

    /// <summary>Sends one request and returns its status and body.</summary>
    public async Task<(int Status, byte[] Body)> SendAsync(LoadTarget target, CancellationToken cancellationToken)
    {
        using var request = NewRequest(target);
        using var response = await invoker.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    /// <summary>Runs <paramref name="concurrency"/> loops against <paramref name="target"/> for <paramref name="duration"/>.</summary>
    public async Task<LoadResult> RunAsync(LoadTarget target, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        // A request stuck past the duration (plus a generous grace) ends the run instead of stalling it.
        using var stuck = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stuck.CancelAfter(duration + TimeSpan.FromSeconds(60));
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long errors = 0;
        string? firstError = null;
        long lastAnswer = start;
        var histogram = new LatencyHistogram();
        int[] gcBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var loops = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                var sent = Stopwatch.GetTimestamp();
                string? error = null;
                try
                {
                    using var request = NewRequest(target);
                    using var response = await invoker.SendAsync(request, stuck.Token);
                    var body = await response.Content.ReadAsByteArrayAsync(stuck.Token);
                    if (!response.IsSuccessStatusCode)
                        error = $"{(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200))}";
                }
                catch (HttpRequestException e) { error = "send failed: " + e.Message; }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { error = "no answer within the duration + 60 s"; }
                var answered = Stopwatch.GetTimestamp();
                histogram.Record(answered - sent);
                InterlockedMax(ref lastAnswer, answered);
                if (error is not null)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, error, null);
                    if (stuck.IsCancellationRequested) break;
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(loops);
        int[] collections = [GC.CollectionCount(0) - gcBefore[0], GC.CollectionCount(1) - gcBefore[1], GC.CollectionCount(2) - gcBefore[2]];
        histogram.Seal();
        var seconds = (Interlocked.Read(ref lastAnswer) - start) / (double)Stopwatch.Frequency;
        return new LoadResult(histogram.Count, errors, firstError, Math.Max(seconds, 1e-9), histogram, collections);
    }

    private static HttpRequestMessage NewRequest(LoadTarget target)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, target.Uri) { Content = new ByteArrayContent(target.Body), Version = HttpVersion.Version11 };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (target.Bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", target.Bearer);
        return request;
    }

    private static void InterlockedMax(ref long location, long value)
    {
        var current = Interlocked.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current) return;
            current = seen;
        }
    }

    public void Dispose() => invoker.Dispose();
}
