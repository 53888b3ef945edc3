using System.Net;
using System.Net.Http.Json;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Server;

public sealed class SmokeTests
{
    [Fact]
    public async Task A_run_logs_metrics_and_reads_them_back()
    {
        await using var server = await LoomTestServer.StartAsync();
        var health = await server.Http.GetFromJsonAsync<HealthDto>("/healthz");
        Assert.Equal("healthy", health!.Status);
        var created = await server.Http.PostAsJsonAsync("/api/v1/workspaces/default/runs", new { experiment = "demo", @params = new { lr = "0.1" } });
        var run = await HttpAssert.Json<RunDto>(HttpStatusCode.Created, created);
        var batch = await server.Http.PostAsJsonAsync($"/api/v1/workspaces/default/runs/{run.Id}/metrics",
            new { points = Enumerable.Range(0, 3000).Select(i => new { name = "loss", value = 1.0 / (i + 1) }).ToArray() });
        await HttpAssert.Status(HttpStatusCode.OK, batch);
        var history = await server.Http.GetFromJsonAsync<MetricHistory>($"/api/v1/workspaces/default/runs/{run.Id}/metrics/loss/history", LoomJson.Options);
        Assert.Equal(3000, history!.Points.Count);
        Assert.Equal(2999, history.Points[^1].Step);
        var list = await server.Http.GetFromJsonAsync<ListResult<RunDto>>("/api/v1/workspaces/default/runs?filter=metrics.loss%20%3C%200.5", LoomJson.Options);
        Assert.Single(list!.Value);
        Assert.Equal(1.0 / 3000, list.Value[0].Metrics["loss"]);
    }
}
