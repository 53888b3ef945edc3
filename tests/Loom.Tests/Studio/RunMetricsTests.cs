using System.Text.Json;
using Bunit;
using Loom.Contracts;
using Loom.Studio.Components.Pages.Runs;
using Loom.Studio.Components.Pages.Runs.Parts;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Tests.Studio;

/// <summary>The run page's Metrics tab: what it reads again while the run is live, and how much it draws.</summary>
public sealed class RunMetricsTests : StudioComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private IRenderedComponent<RunPage> OpenMetrics(string runId)
    {
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo($"/runs/{runId}?tab=metrics");
        return Context.Render<RunPage>(p => p.Add(c => c.RunId, runId));
    }

    private static MetricRow Row(string name, string kind, string json, long? step = null) =>
        new(name, kind, JsonDocument.Parse(json).RootElement.Clone(), step);

    [Fact]
    public async Task A_render_during_a_reload_shows_the_last_reload_whole_and_then_the_new_one()
    {
        var store = HookMetricStore();
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("reload"));
        await Server.Client.Metrics.LogAsync("default", run.Id, new MetricBatch([new MetricPoint("loss", 1)]));
        var page = OpenMetrics(run.Id);
        await page.WaitForAssertionAsync(() => Assert.Single(page.FindAll("[data-metric]")), Wait);

        // Hold the second read of the next reload, after the first new metric is read; the page's poll renders meanwhile.
        var (reads, held, release) = (0, new TaskCompletionSource(), new TaskCompletionSource());
        store.BeforeRead = async (_, cancellationToken) =>
        {
            if (Interlocked.Increment(ref reads) != 2) return;
            held.TrySetResult();
            await release.Task.WaitAsync(cancellationToken);
        };
        await Server.Client.Metrics.LogAsync("default", run.Id, new MetricBatch(null,
            [Row("a_rows", MetricKinds.Row, """{"x": 1}"""), Row("b_rows", MetricKinds.Row, """{"y": 2}""")]));
        await held.Task.WaitAsync(Wait);
        await Task.Delay(RunPage.PollInterval * 2);
        page.Render();
        Assert.Empty(page.FindAll("[data-metric-table]"));
        Assert.Single(page.FindAll("[data-metric]"));

        release.SetResult();
        await page.WaitForAssertionAsync(() => Assert.Equal(2, page.FindAll("[data-metric-table]").Count), Wait);
    }

    [Fact]
    public async Task A_fault_in_a_later_reload_keeps_what_the_tab_shows_and_the_next_reload_catches_up()
    {
        var store = HookMetricStore();
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("tab-faults"));
        await Server.Client.Metrics.LogAsync("default", run.Id, new MetricBatch([new MetricPoint("loss", 1)]));
        var page = OpenMetrics(run.Id);
        await page.WaitForAssertionAsync(() => Assert.Contains("1 points logged", page.Markup), Wait);

        var failures = 0;
        store.BeforeRead = (_, _) => Interlocked.Increment(ref failures) <= 2 ? throw new IOException("busy") : Task.CompletedTask;
        await Server.Client.Metrics.LogAsync("default", run.Id, new MetricBatch([new MetricPoint("loss", 2)]));
        await page.WaitForAssertionAsync(() => Assert.Contains("2 points logged", page.Markup), Wait);
        Assert.True(Volatile.Read(ref failures) > 2);
    }

    [Fact]
    public async Task The_first_charts_are_drawn_and_the_rest_on_request()
    {
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("many"));
        await Server.Client.Metrics.LogAsync("default", run.Id, new MetricBatch([.. Enumerable.Range(0, 30).Select(i => new MetricPoint($"m{i:00}", i))]));
        await Server.Client.Runs.UpdateAsync("default", run.Id, new UpdateRunRequest(Status: RunStatus.Completed));
        var page = OpenMetrics(run.Id);
        await page.WaitForAssertionAsync(() => Assert.Equal(RunMetrics.MaxCharts, page.FindAll("[data-metric]").Count), Wait);
        Assert.Equal("m23", page.FindAll("[data-metric]")[^1].GetAttribute("data-metric"));
        Assert.Contains("The first 24 of 30", page.Find("[data-testid=more-charts]").TextContent);

        await page.InvokeAsync(() => page.Find("[data-testid=more-charts] button").Click());
        await page.WaitForAssertionAsync(() => Assert.Equal(30, page.FindAll("[data-metric]").Count), Wait);
        Assert.Empty(page.FindAll("[data-testid=more-charts]"));
    }

    [Fact]
    public async Task A_table_metric_shows_its_latest_table_however_often_it_was_logged()
    {
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("tables"));
        var count = MetricTable.MaxRows + 5;
        await Server.Client.Metrics.LogAsync("default", run.Id, new MetricBatch(null,
            [.. Enumerable.Range(0, count).Select(i => Row("confusion", MetricKinds.Table, $$"""{"epoch": [{{i}}]}""", i))]));
        var page = OpenMetrics(run.Id);
        await page.WaitForAssertionAsync(() => Assert.Contains($"step {count - 1}", page.Find("[data-metric-table=confusion]").TextContent), Wait);
        Assert.Equal($"{count - 1}", page.Find("[data-metric-table=confusion] tbody td").TextContent);
    }

    [Fact]
    public void A_live_runs_costly_reads_wait_their_interval_and_an_ended_runs_do_not()
    {
        var clock = new ManualClock();
        var schedule = new ReadSchedule(clock, TimeSpan.FromSeconds(5));
        var live = new RunDto("r", "w", "e", null, null, null, "r", RunStatus.Running, DateTimeOffset.UnixEpoch, null, null, [], null,
            new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, double>());
        Assert.True(schedule.IsDue(live, "loss"));
        schedule.Read("loss");
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(schedule.IsDue(live, "loss"));
        Assert.True(schedule.IsDue(live, "accuracy"));
        Assert.True(schedule.IsDue(live with { Status = RunStatus.Completed }, "loss"));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(schedule.IsDue(live, "loss"));
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
