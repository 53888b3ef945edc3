using System.Net;
using System.Text.Json;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Api;

public abstract class MetricApiTests : ApiTestBase
{
    private static MetricBatch Points(string name, int count, Func<int, double> value, long? firstStep = null) =>
        new(Enumerable.Range(0, count).Select(i => new MetricPoint(name, value(i), firstStep + i)).ToList());

    private async Task<MetricHistory> History(string runId, string name, int? maxPoints = null) =>
        await Get<MetricHistory>($"{Ws}/runs/{runId}/metrics/{Uri.EscapeDataString(name)}/history" + (maxPoints is null ? "" : $"?maxPoints={maxPoints}"));

    [Fact]
    public async Task Steps_continue_across_batches_and_history_returns_every_point()
    {
        var run = await CreateRun();
        await HttpAssert.Status(HttpStatusCode.OK, await Post($"{Ws}/runs/{run.Id}/metrics", Points("loss", 1500, i => 1.0 / (i + 1))));
        await HttpAssert.Status(HttpStatusCode.OK, await Post($"{Ws}/runs/{run.Id}/metrics", Points("loss", 700, i => -i)));
        var history = await History(run.Id, "loss");
        Assert.Equal(2200, history.Count);
        Assert.Equal(Enumerable.Range(0, 2200).Select(i => (long)i), history.Points.Select(p => p.Step));
        Assert.Equal(1.0 / 3, history.Points[2].Value.GetDouble());
        Assert.Equal(-699, history.Points[^1].Value.GetDouble());
        var latest = await Get<Dictionary<string, MetricSummary>>($"{Ws}/runs/{run.Id}/metrics");
        Assert.Equal((2199L, 2200L, -699.0), (latest["loss"].Step, latest["loss"].Count, latest["loss"].Value.GetDouble()));
    }

    [Fact]
    public async Task The_latest_value_is_the_one_with_the_highest_step()
    {
        var run = await CreateRun();
        await LogPoints(run.Id, ("acc", 0.9, 10), ("acc", 0.1, 3));
        await LogPoints(run.Id, ("acc", 0.95, 10));
        Assert.Equal(0.95, (await Get<RunDto>($"{Ws}/runs/{run.Id}")).Metrics["acc"]);
        await LogPoints(run.Id, ("acc", 0.2, 5));
        Assert.Equal(0.95, (await Get<RunDto>($"{Ws}/runs/{run.Id}")).Metrics["acc"]);
    }

    [Fact]
    public async Task Nan_and_infinities_round_trip_faithfully()
    {
        var run = await CreateRun();
        await LogPoints(run.Id, ("odd", double.NaN, 0), ("odd", double.PositiveInfinity, 1), ("odd", double.NegativeInfinity, 2), ("odd", 1.5, 3), ("odd", double.NaN, 4));
        var history = await History(run.Id, "odd");
        Assert.Equal(["\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "1.5", "\"NaN\""], history.Points.Select(p => p.Value.GetRawText()));
        var runDto = await Get<RunDto>($"{Ws}/runs/{run.Id}");
        Assert.True(double.IsNaN(runDto.Metrics["odd"]));
        var raw = await Http.GetStringAsync($"{Ws}/runs/{run.Id}");
        Assert.Contains("\"odd\":\"NaN\"", raw);
        var downsampled = await History(run.Id, "odd", 2);
        Assert.Contains(downsampled.Points, p => p.Value.GetRawText() == "\"Infinity\"");
        Assert.Contains(downsampled.Points, p => p.Value.GetRawText() == "\"-Infinity\"");
    }

    [Fact]
    public async Task Downsampled_history_keeps_spikes_and_respects_max_points()
    {
        var run = await CreateRun();
        for (var batch = 0; batch < 5; batch++)
            await HttpAssert.Status(HttpStatusCode.OK, await Post($"{Ws}/runs/{run.Id}/metrics",
                Points("wave", 10_000, i => batch * 10_000 + i == 33_333 ? 1e6 : Math.Sin(i / 50.0))));
        foreach (var maxPoints in new[] { 10, 100, 1000, 30_000 })
        {
            var history = await History(run.Id, "wave", maxPoints);
            Assert.InRange(history.Points.Count, 2, maxPoints);
            Assert.Contains(history.Points, p => p.Step == 33_333 && p.Value.GetDouble() == 1e6);
            Assert.Equal(history.Points.Select(p => p.Step).Order(), history.Points.Select(p => p.Step));
        }
        Assert.Equal(50_000, (await History(run.Id, "wave", 100_000)).Points.Count);
    }

    [Fact]
    public async Task List_row_table_and_image_metrics_are_stored_as_rows()
    {
        var run = await CreateRun();
        await HttpAssert.Status(HttpStatusCode.Created, await Http.PutAsync($"{Ws}/runs/{run.Id}/artifacts/images/cm.png", new ByteArrayContent([137, 80, 78, 71])));
        var batch = new
        {
            rows = new object[]
            {
                new { name = "losses", kind = "list", value = new[] { 0.5, 0.25 } },
                new { name = "per_class", kind = "row", value = new { cls = "a", f1 = 0.9 } },
                new { name = "per_class", kind = "row", value = new { cls = "b", f1 = 0.7 } },
                new { name = "pr", kind = "table", value = new { precision = new[] { 1.0, 0.8 }, recall = new[] { 0.1, 0.5 } } },
                new { name = "cm", kind = "image", value = new { path = "images/cm.png" } },
            },
        };
        var result = await HttpAssert.Json<MetricBatchResult>(HttpStatusCode.OK, await Post($"{Ws}/runs/{run.Id}/metrics", batch));
        Assert.Equal((0, 5), (result.Points, result.Rows));
        var latest = await Get<Dictionary<string, MetricSummary>>($"{Ws}/runs/{run.Id}/metrics");
        Assert.Equal(("row", 2L), (latest["per_class"].Kind, latest["per_class"].Count));
        Assert.Equal("b", latest["per_class"].Value.GetProperty("cls").GetString());
        Assert.Equal("images/cm.png", latest["cm"].Value.GetProperty("path").GetString());
        var rows = await History(run.Id, "per_class");
        Assert.Equal(["a", "b"], rows.Points.Select(p => p.Value.GetProperty("cls").GetString()));
        Assert.Equal(JsonValueKind.Array, (await History(run.Id, "losses")).Points[0].Value.ValueKind);
        Assert.Empty((await Get<RunDto>($"{Ws}/runs/{run.Id}")).Metrics);
    }

    [Fact]
    public async Task A_retried_batch_is_stored_once()
    {
        var run = await CreateRun();
        var batch = Points("m", 10_000, i => i);
        var first = await HttpAssert.Json<MetricBatchResult>(HttpStatusCode.OK, await Post($"{Ws}/runs/{run.Id}/metrics", batch, "batch-1"));
        var retry = await HttpAssert.Json<MetricBatchResult>(HttpStatusCode.OK, await Post($"{Ws}/runs/{run.Id}/metrics", batch, "batch-1"));
        Assert.Equal(first, retry);
        Assert.Equal(10_000, (await History(run.Id, "m")).Count);
        await HttpAssert.Problem(HttpStatusCode.UnprocessableEntity, ErrorCodes.IdempotencyKeyReused,
            await Post($"{Ws}/runs/{run.Id}/metrics", Points("m", 3, i => i), "batch-1"));
        Assert.Equal(10_000, (await History(run.Id, "m")).Count);
    }

    [Fact]
    public async Task Bad_metric_requests_are_problems_and_store_nothing()
    {
        var run = await CreateRun();
        await LogPoints(run.Id, ("kept", 1, null));
        var url = $"{Ws}/runs/{run.Id}/metrics";
        await HttpAssert.Problem(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.BatchTooLarge, await Post(url, Points("big", 10_001, i => i)));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await PostRaw(url, "{\"points\": [{\"name\": \"x\", \"value\": \"high\"}]}"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await PostRaw(url, "{\"points\": [{\"name\": \"x\", \"value\": 1"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Post(url, new { points = new[] { new { name = "", value = 1 } } }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post(url, new { points = new[] { new { name = "x", value = 1, step = -1 } } }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post(url, new { rows = new[] { new { name = "r", kind = "list", value = new { } } } }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post(url, new { rows = new[] { new { name = "r", kind = "movie", value = new { } } } }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post(url, new { rows = new[] { new { name = "i", kind = "image", value = new { file = "x" } } } }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidPath, await Post(url, new { rows = new[] { new { name = "i", kind = "image", value = new { path = "../x.png" } } } }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post(url, new { rows = new[] { new { name = "kept", kind = "list", value = new[] { 1 } } } }));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.RunNotFound, await Post($"{Ws}/runs/nope/metrics", Points("x", 1, i => i)));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.MetricNotFound, await Http.GetAsync($"{url}/absent/history"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.GetAsync($"{url}/kept/history?maxPoints=1"));
        var latest = await Get<Dictionary<string, MetricSummary>>(url);
        Assert.Equal(["kept"], latest.Keys);
        Assert.Equal(1, latest["kept"].Count);
    }
}
