using System.Diagnostics;

namespace Loom.Benchmarks;

/// <summary>A median time and how many samples it is the median of.</summary>
public readonly record struct Median(double Ms, int Samples)
{
    public override string ToString() => $"median of {Samples}";
}

/// <summary>Stopwatch helpers: a timed call, and the median of repeated calls after a warm-up.</summary>
public static class Measure
{
    public static async Task<TimeSpan> TimeAsync(Func<Task> work)
    {
        var watch = Stopwatch.StartNew();
        await work();
        return watch.Elapsed;
    }

    /// <summary>The most time one median may take; a call far off its aim then gets fewer (at least three) samples.</summary>
    public static readonly TimeSpan MedianBudget = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Runs <paramref name="work"/> <paramref name="warmUp"/> times untimed, then <paramref name="repeats"/> times
    /// (fewer once <see cref="MedianBudget"/> is spent); returns the median in milliseconds.
    /// </summary>
    public static async Task<Median> MedianMsAsync(int repeats, int warmUp, Func<Task> work)
    {
        var budget = Stopwatch.StartNew();
        for (var i = 0; i < warmUp && budget.Elapsed < MedianBudget / 2; i++) await work();
        budget.Restart();
        var times = new List<double>();
        while (times.Count < repeats && (times.Count < 3 || budget.Elapsed < MedianBudget))
            times.Add((await TimeAsync(work)).TotalMilliseconds);
        return new Median(Median(times), times.Count);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
