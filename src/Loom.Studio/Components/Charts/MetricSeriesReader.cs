using Loom.Contracts;
using Loom.Core.Tracking;

namespace Loom.Studio.Components.Charts;

/// <summary>Reads a scalar metric for a chart through <see cref="MetricService"/>'s downsampling, so a long history never reaches the browser whole.</summary>
public static class MetricSeriesReader
{
    /// <summary>Points per line on a run's charts: enough to show every spike on a wide screen (the store keeps each bucket's min and max).</summary>
    public const int ChartPoints = 1000;

    /// <summary>The metric's (downsampled) points; null when it is not a scalar metric.</summary>
    public static async Task<MetricSeries?> ReadAsync(MetricService metrics, long workspaceId, string runId, string name, string label, int maxPoints,
        CancellationToken cancellationToken)
    {
        var metric = await metrics.FindAsync(workspaceId, runId, name, cancellationToken);
        if (metric.Kind != MetricKinds.Scalar) return null;
        var steps = new List<long>();
        var values = new List<double>();
        var times = new List<DateTime>();
        await foreach (var point in metrics.ReadPointsAsync(metric, maxPoints, cancellationToken))
        {
            steps.Add(point.Step);
            values.Add(point.Value);
            times.Add(DateTime.UnixEpoch.AddMilliseconds(point.TimeMs));
        }
        return new MetricSeries(label, steps, values, times, metric.Count);
    }
}
