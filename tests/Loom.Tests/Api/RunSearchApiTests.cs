using System.Net;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Api;

public abstract class RunSearchApiTests : ApiTestBase
{
    /// <summary>Ten runs: accuracy i/10 (none on run 9), lr param i, tag parity, every third completed.</summary>
    private async Task<List<RunDto>> Seed()
    {
        var runs = new List<RunDto>();
        for (var i = 0; i < 10; i++)
        {
            var run = await CreateRun("search", extra: new
            {
                @params = new Dictionary<string, string> { ["lr"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture), ["opt"] = i % 2 == 0 ? "adam" : "sgd" },
                tags = new Dictionary<string, string> { ["parity"] = i % 2 == 0 ? "even" : "odd" },
            });
            if (i != 9) await LogPoints(run.Id, ("accuracy", 0.5, 0), ("accuracy", i / 10.0, 1));
            if (i % 3 == 0) await HttpAssert.Status(HttpStatusCode.OK, await Patch($"{Ws}/runs/{run.Id}", new { status = "Completed" }));
            runs.Add(run);
        }
        await CreateRun("elsewhere");
        return runs;
    }

    private async Task<List<RunDto>> Search(string query) => [.. (await Get<ListResult<RunDto>>($"{Ws}/runs?{query}")).Value];

    private static string Q(string text) => Uri.EscapeDataString(text);

    [Fact]
    public async Task Filters_on_metrics_params_tags_and_status()
    {
        var runs = await Seed();
        var good = await Search($"experiment=search&filter={Q("metrics.accuracy > 0.6")}");
        Assert.Equal(new[] { runs[7].Id, runs[8].Id }.Order(), good.Select(r => r.Id).Order());
        Assert.Equal(0.8, good.Single(r => r.Id == runs[8].Id).Metrics["accuracy"]);
        var evenCompleted = await Search($"filter={Q("tags.parity = 'even' and status = 'Completed'")}");
        Assert.Equal(new[] { runs[0].Id, runs[6].Id }.Order(), evenCompleted.Select(r => r.Id).Order());
        var numericParam = await Search($"filter={Q("params.lr >= 8")}");
        Assert.Equal(2, numericParam.Count);
        var inList = await Search($"filter={Q("params.opt in ('sgd') and metrics.accuracy <= 0.3")}");
        Assert.Equal(new[] { runs[1].Id, runs[3].Id }.Order(), inList.Select(r => r.Id).Order());
        var missing = await Search($"filter={Q("tags.nothing = 'x'")}");
        Assert.Empty(missing);
        var notEqual = await Search($"experiment=search&filter={Q("metrics.accuracy != 0.5")}");
        Assert.Equal(8, notEqual.Count);
    }

    [Fact]
    public async Task Sorts_by_a_metric_with_missing_values_last()
    {
        var runs = await Seed();
        var desc = await Search($"experiment=search&orderBy={Q("metrics.accuracy desc")}");
        Assert.Equal(Enumerable.Range(0, 9).Reverse().Select(i => runs[i].Id).Append(runs[9].Id), desc.Select(r => r.Id));
        var asc = await Search($"experiment=search&orderBy={Q("metrics.accuracy")}");
        Assert.Equal(runs[0].Id, asc[0].Id);
        Assert.Equal(runs[9].Id, asc[^1].Id);
        var byParam = await Search($"experiment=search&orderBy={Q("params.opt, createdTime desc")}");
        Assert.Equal(runs[8].Id, byParam[0].Id);
    }

    [Fact]
    public async Task Pages_walk_every_run_once_in_order()
    {
        var runs = await Seed();
        foreach (var order in new[] { "metrics.accuracy desc", "tags.parity, metrics.accuracy", "createdTime desc" })
        {
            var seen = new List<string>();
            string? token = null;
            for (var page = 0; page < 20; page++)
            {
                var result = await Get<ListResult<RunDto>>($"{Ws}/runs?experiment=search&pageSize=3&orderBy={Q(order)}" + (token is null ? "" : $"&pageToken={Q(token)}"));
                seen.AddRange(result.Value.Select(r => r.Id));
                token = result.NextPageToken;
                if (token is null) break;
            }
            Assert.Null(token);
            var all = await Search($"experiment=search&orderBy={Q(order)}");
            Assert.Equal(all.Select(r => r.Id), seen);
            Assert.Equal(runs.Count, seen.Distinct().Count());
        }
    }

    [Fact]
    public async Task Top_level_and_child_runs_can_be_listed_apart()
    {
        var parent = await CreateRun("family");
        await CreateRun("family", parent.Id);
        Assert.Equal(2, (await Search("experiment=family")).Count);
        Assert.Equal([parent.Id], (await Search("experiment=family&parentRunId=none")).Select(r => r.Id));
        Assert.Single(await Search($"parentRunId={parent.Id}"));
    }

    [Fact]
    public async Task Bad_searches_are_problems()
    {
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidFilter, await Http.GetAsync($"{Ws}/runs?filter={Q("metrics.acc >> 1")}"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidOrderBy, await Http.GetAsync($"{Ws}/runs?orderBy={Q("metrics.acc upward")}"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidPageToken, await Http.GetAsync($"{Ws}/runs?pageToken=abc"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.GetAsync($"{Ws}/runs?pageSize=0"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.GetAsync($"{Ws}/runs?pageSize=lots"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Http.GetAsync($"{Ws}/runs?experiment={Q("a b")}"));
    }
}
