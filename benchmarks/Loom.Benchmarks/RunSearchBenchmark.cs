using Loom.Contracts;

namespace Loom.Benchmarks;

/// <summary>Run search over one large experiment: a filtered page sorted by a metric, its second page, and an unfiltered page sorted by a param.</summary>
public static class RunSearchBenchmark
{
    public const string Experiment = "search";
    public const int PageSize = 100;

    public sealed record Result(RunSeeder.Result Seeding, Median Filtered, Median SecondPage, Median ByParam);

    public static async Task<Result> RunAsync(BenchServer server, int runs, int repeats, CancellationToken cancellationToken)
    {
        var seeding = await new RunSeeder(server, Experiment).SeedAsync(runs, cancellationToken);
        var api = server.Api;
        var filtered = Query("metrics.accuracy > 0.9", "metrics.accuracy desc", null);
        var first = await api.GetAsync<ListResult<RunDto>>(filtered, cancellationToken);
        Check(first, r => r.Metrics["accuracy"], descending: true, minimum: 0.9);
        var second = $"{filtered}&pageToken={Uri.EscapeDataString(first.NextPageToken!)}";
        var page2 = await api.GetAsync<ListResult<RunDto>>(second, cancellationToken);
        Check(page2, r => r.Metrics["accuracy"], descending: true, minimum: 0.9);
        if (page2.Value[0].Metrics["accuracy"] > first.Value[^1].Metrics["accuracy"])
            throw new InvalidOperationException("The second page does not continue the first.");
        var byParam = Query(null, "params.lr asc", null);
        var paramPage = await api.GetAsync<ListResult<RunDto>>(byParam, cancellationToken);
        if (paramPage.Value.Count != PageSize) throw new InvalidOperationException($"The page sorted by param has {paramPage.Value.Count} runs.");

        var filteredMs = await Measure.MedianMsAsync(repeats, 2, () => api.GetAsync<ListResult<RunDto>>(filtered, cancellationToken));
        var secondMs = await Measure.MedianMsAsync(repeats, 2, () => api.GetAsync<ListResult<RunDto>>(second, cancellationToken));
        var byParamMs = await Measure.MedianMsAsync(repeats, 2, () => api.GetAsync<ListResult<RunDto>>(byParam, cancellationToken));
        return new Result(seeding, filteredMs, secondMs, byParamMs);
    }

    public static string Query(string? filter, string orderBy, string? pageToken) =>
        $"{BenchApi.RunsPath}?experiment={Experiment}&pageSize={PageSize}&orderBy={Uri.EscapeDataString(orderBy)}"
        + (filter is null ? "" : $"&filter={Uri.EscapeDataString(filter)}")
        + (pageToken is null ? "" : $"&pageToken={Uri.EscapeDataString(pageToken)}");

    private static void Check(ListResult<RunDto> page, Func<RunDto, double> key, bool descending, double minimum)
    {
        if (page.Value.Count != PageSize || page.NextPageToken is null)
            throw new InvalidOperationException($"Expected a full page of {PageSize} runs with a next page; got {page.Value.Count}.");
        var keys = page.Value.Select(key).ToList();
        if (keys.Any(k => k <= minimum)) throw new InvalidOperationException("The filter let through a run it should not.");
        var sorted = descending ? keys.OrderDescending() : keys.Order();
        if (!keys.SequenceEqual(sorted)) throw new InvalidOperationException("The page is not in the asked order.");
    }
}
