using System.Diagnostics;
using System.Globalization;
using System.Text;
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
            await api.SendAsync(BenchApi.MetricsPath(run), Body(first, Math.Min(batch, points - first)), null, cancellationToken);
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

    /// <summary>A noisy decaying curve, so the downsampler's min/max buckets have real work.</summary>
    private static byte[] Body(int first, int count)
    {
        var text = new StringBuilder(count * 48).Append("{\"points\":[");
        for (var i = 0; i < count; i++)
        {
            var step = first + i;
            var value = 1.0 / (1 + step * 1e-4) + PointPlan.ValueOf(step, 3) * 0.05;
            if (i > 0) text.Append(',');
            text.Append(CultureInfo.InvariantCulture, $"{{\"name\":\"h\",\"value\":{value:R},\"step\":{step}}}");
        }
        return BenchApi.Utf8(text.Append("]}").ToString());
    }
}
