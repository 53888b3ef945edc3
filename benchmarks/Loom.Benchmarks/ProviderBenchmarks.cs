namespace Loom.Benchmarks;

/// <summary>Everything measured against one provider's fresh server, in order, each row recorded even when its step fails.</summary>
public sealed class ProviderBenchmarks(BenchSettings settings, ResultTable table, string repositoryRoot)
{
    private static readonly Aim BatchedAim = Aim.AtLeastOf(500_000, "points/s");
    private static readonly Aim ShareAim = Aim.AtLeastOf(50, "% of raw");
    private static readonly Aim PythonAim = Aim.AtLeastOf(200_000, "points/s");
    private static readonly Aim PageAim = Aim.Below(50, "ms");

    /// <summary>Runs the provider's rows; <paramref name="rawLimits"/> measures the store's raw insert rate(s) for the given plan and run ids.</summary>
    public async Task RunAsync(string provider, string? database, bool isSqlite,
        Func<PointPlan, IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<(string Name, double PointsPerSecond)>>> rawLimits,
        CancellationToken cancellationToken)
    {
        Progress.Say($"{provider}: starting a fresh server");
        await using var server = await BenchServer.StartAsync(provider, database);
        var ingest = new MetricIngestBenchmark(server.Api);
        await ingest.WarmUpAsync(cancellationToken);

        var batched = new Dictionary<int, double>();
        IReadOnlyList<string> runIds = [];
        PointPlan? tenThousands = null;
        foreach (var batchSize in new[] { 1_000, 10_000 })
        {
            var name = $"Metric logging, HTTP batches of {batchSize:N0}";
            try
            {
                var plan = new PointPlan(settings.IngestPoints, batchSize, BenchSettings.Senders);
                var (rate, runs) = await ingest.LogAsync($"ingest-{batchSize}", plan, cancellationToken);
                batched[batchSize] = rate;
                (runIds, tenThousands) = (runs, plan);
                table.Add(provider, name, rate, "points/s", isSqlite ? BatchedAim : null,
                    $"{plan.TotalPoints:N0} points, {BenchSettings.Senders} senders, {plan.Runs} runs × {PointPlan.Metrics} metrics, Idempotency-Key each");
            }
            catch (Exception e) { table.Fail(provider, name, "points/s", isSqlite ? BatchedAim : null, e); }
        }

        if (tenThousands is not null)
        {
            try
            {
                var limits = await rawLimits(tenThousands, runIds, cancellationToken);
                foreach (var (limitName, rate) in limits)
                    table.Add(provider, $"Raw limit: {limitName}", rate, "points/s", null,
                        "MLflow's design (a point is a row) at its best: same points, no HTTP, no index, one transaction");
                var raw = limits[0].PointsPerSecond;
                foreach (var (size, rate) in batched)
                    table.Add(provider, $"Loom batched ({size:N0}) as share of raw limit", 100 * rate / raw, "%", isSqlite ? ShareAim : null,
                        $"vs {limits[0].Name}");
            }
            catch (Exception e) { table.Fail(provider, "Raw limit", "points/s", null, e); }
        }

        await Row(provider, "Single-point requests", "requests/s", null,
            async () => (await ingest.SinglePointAsync(settings.SinglePointRequests, cancellationToken),
                $"{settings.SinglePointRequests:N0} POSTs of one point, {BenchSettings.Senders} senders"));

        try
        {
            var python = await PythonClientBenchmark.RunAsync(server, repositoryRoot, settings.PythonPoints, cancellationToken);
            table.Add(provider, "Python run.log loop", python.LoopPointsPerSecond, "points/s", PythonAim,
                $"{settings.PythonPoints:N0} × run.log(\"m\", float(i)), timed in python3");
            table.Add(provider, "Python run.log until flushed", python.FlushedPointsPerSecond, "points/s", null, "loop + run.flush(); count checked on the server");
        }
        catch (Exception e) { table.Fail(provider, "Python run.log loop", "points/s", PythonAim, e); }

        try
        {
            var history = await HistoryBenchmark.RunAsync(server.Api, settings.HistoryPoints, settings.QueryRepeats, cancellationToken);
            table.Add(provider, $"Full history GET, {history.Points:N0} points", history.Full.Ms, "ms", Aim.Below(1_000, "ms"),
                $"{history.Full}; {Format.Bytes(history.FullBytes)} of JSON; logged in {history.LogTime.TotalSeconds:F1} s as 10,000-point batches");
            table.Add(provider, $"Downsampled history GET, maxPoints={HistoryBenchmark.MaxPoints}", history.Downsampled.Ms, "ms", Aim.Below(20, "ms"),
                $"{history.Downsampled}; {history.DownsampledPoints} points, {Format.Bytes(history.DownsampledBytes)}");
        }
        catch (Exception e) { table.Fail(provider, "History GET", "ms", null, e); }

        try
        {
            var search = await RunSearchBenchmark.RunAsync(server, settings.SearchRuns, settings.QueryRepeats, cancellationToken);
            var s = search.Seeding;
            var seeded = $"{settings.SearchRuns:N0} runs: {s.ViaApi:N0} via API ({s.ApiRunsPerSecond:N0} runs/s)"
                + (s.ViaStore > 0 ? $", {s.ViaStore:N0} via the store classes ({s.StoreRunsPerSecond:N0} runs/s)" : "");
            table.Add(provider, "Run list: accuracy > 0.9 by accuracy desc, page 1", search.Filtered.Ms, "ms", PageAim, $"{search.Filtered}; {seeded}");
            table.Add(provider, "Run list: same, page 2 (nextPageToken)", search.SecondPage.Ms, "ms", PageAim, search.SecondPage.ToString());
            table.Add(provider, "Run list: unfiltered by params.lr asc, page 1", search.ByParam.Ms, "ms", PageAim, search.ByParam.ToString());
        }
        catch (Exception e) { table.Fail(provider, "Run list", "ms", PageAim, e); }
    }

    private async Task Row(string provider, string name, string unit, Aim? aim, Func<Task<(double Value, string Note)>> measure)
    {
        try
        {
            var (value, note) = await measure();
            table.Add(provider, name, value, unit, aim, note);
        }
        catch (Exception e) { table.Fail(provider, name, unit, aim, e); }
    }
}
