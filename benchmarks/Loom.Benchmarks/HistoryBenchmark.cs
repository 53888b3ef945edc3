using System.Diagnostics;
using Loom.Contracts;

namespace Loom.Benchmarks;

/// <summary>Reading back one long metric: the full history and the downsampled one (maxPoints=1000), to the last byte.</summary>
public static class HistoryBenchmark
{
    public const int MaxPoints = 1_000;

    public sealed record Result(int Points, TimeSpan LogTime, Median Full, long FullBytes, Median Downsampled, long DownsampledBytes, int DownsampledPoints);

    public static async Task<Result> RunAsync(BenchApi api, int points, int repeats, CancellationToken cancellationToken)
    {
        var run = (await api.CreateRunAsync(new CreateRunRequest("history"), cancellationToken)).Id;
        var watch = Stopwatch.StartNew();
        const int batch = 10_000;
        for (var first = 0; first < points; first += batch)
            await api.SendAsync(BenchApi.MetricsPath(run), DecayingCurve.Batch("h", first, Math.Min(batch, points - first)), null, cancellationToken);
        var logTime = watch.Elapsed;

        var full = $"{BenchApi.MetricsPath(run)}/h/history";
        var sampled = $"{full}?maxPoints={MaxPoints}";
        long fullBytes = 0, sampledBytes = 0;
        var fullMs = await Measure.MedianMsAsync(Math.Max(3, repeats / 4), 1, async () => fullBytes = await api.DrainAsync(full, cancellationToken));
        var sampledMs = await Measure.MedianMsAsync(repeats, 3, async () => sampledBytes = await api.DrainAsync(sampled, cancellationToken));
        var history = await api.GetAsync<MetricHistory>(sampled, cancellationToken);
        if (history.Count != points) throw new InvalidOperationException($"The history counts {history.Count:N0} points of {points:N0}.");
        if (history.Points.Count > MaxPoints) throw new InvalidOperationException($"maxPoints={MaxPoints} returned {history.Points.Count} points.");
        return new Result(points, logTime, fullMs, fullBytes, sampledMs, sampledBytes, history.Points.Count);
    }
}
