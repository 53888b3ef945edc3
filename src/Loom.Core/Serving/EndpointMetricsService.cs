using System.Globalization;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Workspaces;
using Microsoft.Extensions.Options;

namespace Loom.Core.Serving;

/// <summary>An endpoint's request rate, latency percentiles and errors over a window, computed from its telemetry rows.</summary>
public sealed class EndpointMetricsService(IEndpointTelemetryStore telemetry, EndpointService endpoints, IOptions<EndpointOptions> options, TimeProvider time)
{
    public const int DefaultMinutes = 60;
    public const int MaxMinutes = 30 * 24 * 60;
    public const int RecentErrors = 20;
    public const int MaxBuckets = 1000;

    public async Task<EndpointMetricsDto> QueryAsync(WorkspaceRecord workspace, string name, int? minutes, CancellationToken cancellationToken)
    {
        var window = minutes ?? DefaultMinutes;
        if (window is < 1 or > MaxMinutes) throw new LoomException(ErrorCodes.InvalidRequest, $"minutes must be from 1 to {MaxMinutes} (30 days).");
        var endpoint = await endpoints.FindAsync(workspace, name, cancellationToken);
        var to = Times.Now(time).AddMilliseconds(1);
        var from = to.AddMinutes(-window);
        var samples = await telemetry.ReadAsync(endpoint.Id, Times.ToMs(from), Times.ToMs(to), options.Value.MetricsMaxRows, cancellationToken);
        var errors = await telemetry.RecentErrorsAsync(endpoint.Id, Times.ToMs(from), Times.ToMs(to), RecentErrors, cancellationToken);

        var all = samples.Select(s => s.LatencyMs).ToArray();
        Array.Sort(all);
        var byDeployment = samples.Where(s => s.Deployment is not null).GroupBy(s => s.Deployment!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g =>
            {
                var latencies = g.Select(s => s.LatencyMs).ToArray();
                Array.Sort(latencies);
                return new DeploymentMetricsDto(latencies.Length, g.LongCount(s => s.Status >= 400), Percentile(latencies, 0.50), Percentile(latencies, 0.99));
            });
        var byStatus = samples.GroupBy(s => s.Status).OrderBy(g => g.Key)
            .ToDictionary(g => g.Key.ToString(CultureInfo.InvariantCulture), g => g.LongCount());
        return new EndpointMetricsDto(from, to, samples.Count, samples.LongCount(s => s.Status >= 400),
            Math.Round(samples.Count / (to - from).TotalSeconds, 4),
            new LatencyDto(Percentile(all, 0.50), Percentile(all, 0.90), Percentile(all, 0.99)), byDeployment, byStatus,
            errors.Select(e => new ScoringErrorDto(Times.FromMs(e.TimeMs), e.Deployment, e.Status, e.Error)).ToList());
    }

    /// <summary>
    /// The requests of the last <paramref name="minutes"/> counted in buckets of <paramref name="bucketSeconds"/>, with latency percentiles per
    /// bucket. Buckets start at multiples of their size, so a chart refreshed later keeps its buckets' edges.
    /// </summary>
    public async Task<EndpointSeries> SeriesAsync(WorkspaceRecord workspace, string name, int minutes, int bucketSeconds, CancellationToken cancellationToken)
    {
        if (minutes is < 1 or > MaxMinutes) throw new LoomException(ErrorCodes.InvalidRequest, $"minutes must be from 1 to {MaxMinutes} (30 days).");
        if (bucketSeconds < 1 || minutes * 60L / bucketSeconds > MaxBuckets)
            throw new LoomException(ErrorCodes.InvalidRequest, $"bucketSeconds must be at least 1 and make at most {MaxBuckets} buckets of the window.");
        var endpoint = await endpoints.FindAsync(workspace, name, cancellationToken);
        var size = bucketSeconds * 1000L;
        var toMs = Times.ToMs(Times.Now(time)) + 1;
        var fromMs = (toMs - minutes * 60_000L) / size * size;
        var limit = options.Value.MetricsMaxRows;
        var points = await telemetry.ReadPointsAsync(endpoint.Id, fromMs, toMs, limit, cancellationToken);

        var count = (int)((toMs - fromMs + size - 1) / size);
        var latencies = new List<double>[count];
        var errors = new long[count];
        for (var i = 0; i < count; i++) latencies[i] = [];
        foreach (var point in points)
        {
            var bucket = (int)((point.TimeMs - fromMs) / size);
            latencies[bucket].Add(point.LatencyMs);
            if (point.Status >= 400) errors[bucket]++;
        }
        var buckets = new List<EndpointSeriesBucket>(count);
        for (var i = 0; i < count; i++)
        {
            var sorted = latencies[i];
            sorted.Sort();
            var any = sorted.Count > 0;
            buckets.Add(new EndpointSeriesBucket(Times.FromMs(fromMs + i * size), sorted.Count, errors[i],
                any ? Percentile(sorted, 0.50) : null, any ? Percentile(sorted, 0.95) : null, any ? Percentile(sorted, 0.99) : null));
        }
        return new EndpointSeries(Times.FromMs(fromMs), Times.FromMs(toMs), TimeSpan.FromMilliseconds(size), buckets, points.Count >= limit);
    }

    /// <summary>The nearest-rank percentile of sorted values (0 when there are none), to the microsecond.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return 0;
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return Math.Round(sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)], 3);
    }
}
