using System.Diagnostics;
using Loom.Contracts;

namespace Loom.Benchmarks;

/// <summary>
/// Metric logging over HTTP: batched (pre-serialized bodies, each with an Idempotency-Key, two senders
/// each appending to its own runs) and one point per request.
/// </summary>
public sealed class MetricIngestBenchmark(BenchApi api)
{
    /// <summary>Untimed traffic first, so the server's hot paths are compiled before anything is timed.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var plan = new PointPlan(40_000, 1_000, BenchSettings.Senders);
        await LogAsync("warm-up", plan, cancellationToken);
        await SinglePointAsync(200, cancellationToken);
    }

    /// <summary>Logs the plan's points and returns points per second; the runs' run ids are returned too, for checks.</summary>
    public async Task<(double PointsPerSecond, IReadOnlyList<string> RunIds)> LogAsync(string experiment, PointPlan plan, CancellationToken cancellationToken)
    {
        var runs = new List<string>();
        for (var r = 0; r < plan.Runs; r++)
            runs.Add((await api.CreateRunAsync(new CreateRunRequest(experiment), cancellationToken)).Id);
        var bodies = Enumerable.Range(0, plan.Batches).Select(plan.Body).ToArray();
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, plan.Senders).Select(sender => Task.Run(async () =>
        {
            for (var batch = sender; batch < plan.Batches; batch += plan.Senders)
                await api.SendAsync(BenchApi.MetricsPath(runs[plan.RunOf(batch)]), bodies[batch], $"{prefix}-{batch}", cancellationToken);
        }, cancellationToken)));
        var elapsed = watch.Elapsed;
        await CheckCountsAsync(runs, plan.TotalPoints, cancellationToken);
        return (plan.TotalPoints / elapsed.TotalSeconds, runs);
    }

    /// <summary>One point per POST from two senders (each its own run); returns requests per second.</summary>
    public async Task<double> SinglePointAsync(int requests, CancellationToken cancellationToken)
    {
        var runs = new List<string>();
        for (var s = 0; s < BenchSettings.Senders; s++)
            runs.Add((await api.CreateRunAsync(new CreateRunRequest("single-point"), cancellationToken)).Id);
        var bodies = Enumerable.Range(0, requests)
            .Select(i => BenchApi.Utf8($"{{\"points\":[{{\"name\":\"loss\",\"value\":{PointPlan.ValueOf(i, 1):R},\"step\":{i / BenchSettings.Senders}}}]}}"))
            .ToArray();
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, BenchSettings.Senders).Select(sender => Task.Run(async () =>
        {
            for (var i = sender; i < requests; i += BenchSettings.Senders)
                await api.SendAsync(BenchApi.MetricsPath(runs[sender]), bodies[i], $"{prefix}-{i}", cancellationToken);
        }, cancellationToken)));
        var elapsed = watch.Elapsed;
        await CheckCountsAsync(runs, requests, cancellationToken);
        return requests / elapsed.TotalSeconds;
    }

    /// <summary>Every point must have been stored once: the metrics' counts add up to what was sent.</summary>
    private async Task CheckCountsAsync(IEnumerable<string> runs, long expected, CancellationToken cancellationToken)
    {
        long stored = 0;
        foreach (var run in runs)
            stored += (await api.GetAsync<Dictionary<string, MetricSummary>>(BenchApi.MetricsPath(run), cancellationToken)).Values.Sum(m => m.Count);
        if (stored != expected) throw new InvalidOperationException($"Sent {expected:N0} points but the runs hold {stored:N0}.");
    }
}
