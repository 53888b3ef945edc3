using Bunit;
using Loom.Contracts;
using Loom.Studio.Components.Pages.Runs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Tests.Studio;

/// <summary>The run page's logic in bUnit, over a real server's services.</summary>
public sealed class RunPageTests : StudioComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_unknown_run_id_is_named_in_a_clear_message()
    {
        var page = Context.Render<RunPage>(p => p.Add(c => c.RunId, "no-such-run"));
        await page.WaitForAssertionAsync(() => Assert.Contains("Run 'no-such-run' does not exist.", page.Markup), Wait);
        Assert.Empty(page.FindAll(".loom-run-tabs"));
    }

    [Fact]
    public async Task The_status_timeline_lists_each_transition_in_order_with_its_time()
    {
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("timeline", Status: RunStatus.Queued));
        await Server.Client.Runs.UpdateAsync("default", run.Id, new UpdateRunRequest(Status: RunStatus.Running));
        var ended = await Server.Client.Runs.UpdateAsync("default", run.Id, new UpdateRunRequest(Status: RunStatus.Failed, Error: "out of memory"));

        var page = Context.Render<RunPage>(p => p.Add(c => c.RunId, run.Id));
        await page.WaitForAssertionAsync(() => Assert.Equal(3, page.FindAll(".loom-timeline-step").Count), Wait);
        Assert.Equal(["Queued", "Running", "Failed"], page.FindAll(".loom-timeline-step").Select(e => e.GetAttribute("data-status")));
        var failed = page.FindAll(".loom-timeline-step")[2];
        Assert.Contains(Loom.Studio.Components.Shared.Timestamp.Format(ended.StatusHistory[^1].Time), failed.TextContent);
        Assert.Contains("out of memory", page.Markup);
    }

    [Fact]
    public void Transitions_stored_out_of_order_are_shown_by_time_and_ties_keep_their_order()
    {
        var t = DateTimeOffset.Parse("2025-01-01T10:00:00Z");
        var run = Run(RunStatus.Completed, [new(RunStatus.Completed, t.AddSeconds(9)), new(RunStatus.Queued, t), new(RunStatus.Preparing, t.AddSeconds(2)),
            new(RunStatus.Starting, t.AddSeconds(2)), new(RunStatus.Running, t.AddSeconds(3))], start: t.AddSeconds(3), end: t.AddSeconds(9));
        Assert.Equal([RunStatus.Queued, RunStatus.Preparing, RunStatus.Starting, RunStatus.Running, RunStatus.Completed],
            RunTimeline.Ordered(run).Select(c => c.Status));
        Assert.Equal(TimeSpan.FromSeconds(6), RunTimeline.Duration(run, t.AddHours(1)));
        Assert.Equal("6 s", RunTimeline.Format(TimeSpan.FromSeconds(6)));
        Assert.Equal("1h 01m 05s", RunTimeline.Format(TimeSpan.FromSeconds(3665)));
        var live = Run(RunStatus.Running, [new(RunStatus.Running, t)], start: t, end: null);
        Assert.Equal(TimeSpan.FromMinutes(2), RunTimeline.Duration(live, t.AddMinutes(2)));
    }

    [Fact]
    public void Git_source_reads_azure_ml_keys_then_mlflow_keys_and_the_dirty_flag()
    {
        var dirty = GitSource.From(new Dictionary<string, string>
        {
            ["azureml.git.repository_uri"] = "https://example.com/r.git", ["azureml.git.branch"] = "main",
            ["azureml.git.commit"] = "0123456789abcdef", ["azureml.git.dirty"] = "True",
        })!;
        Assert.Equal((true, "0123456789", "main"), (dirty.Dirty, dirty.ShortCommit, dirty.Branch));
        Assert.False(GitSource.From(new Dictionary<string, string> { ["azureml.git.commit"] = "abc", ["azureml.git.dirty"] = "false" })!.Dirty);
        var mlflow = GitSource.From(new Dictionary<string, string> { ["mlflow.source.git.commit"] = "fedcba", ["mlflow.source.git.repoURL"] = "git@x:r.git" })!;
        Assert.Equal(("fedcba", "git@x:r.git", (bool?)null), (mlflow.Commit, mlflow.Repository, mlflow.Dirty));
        Assert.Null(GitSource.From(new Dictionary<string, string> { ["other"] = "1" }));
    }

    [Fact]
    public async Task The_overview_shows_the_dirty_flag_execution_properties_and_registered_models()
    {
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("overview", DisplayName: "with-git",
            Params: new() { ["lr"] = "0.1" }, Tags: new() { ["team"] = "vision" },
            Properties: new() { ["azureml.git.commit"] = "a1b2c3d4e5f6a7b8", ["azureml.git.dirty"] = "true", ["loom.compute"] = "cpu", ["owner"] = "ana" }));
        await Server.Client.Artifacts.UploadAsync("default", run.Id, "outputs/model.pkl", new MemoryStream([1, 2, 3]));
        await Server.Client.Models.RegisterFromRunAsync("default", run.Id, "outputs/model.pkl", new RegisterModelRequest("iris"));

        var page = Context.Render<RunPage>(p => p.Add(c => c.RunId, run.Id));
        await page.WaitForAssertionAsync(() => Assert.Contains("iris:1", page.Find("[data-card=models]").TextContent), Wait);
        Assert.NotNull(page.Find("[data-git=dirty]"));
        Assert.Contains("a1b2c3d4e5", page.Find("[data-card=source]").TextContent);
        Assert.Contains("cpu", page.Markup);
        Assert.Equal("/models/iris", page.Find("[data-card=models] a").GetAttribute("href"));
        // Properties shown in their own places are not repeated among the others.
        var properties = page.Find("[data-card=properties]").TextContent;
        Assert.Contains("owner", properties);
        Assert.DoesNotContain("azureml.git.commit", properties);
        Assert.DoesNotContain("loom.compute", properties);
    }

    [Fact]
    public async Task A_live_run_can_be_canceled_and_its_page_follows_its_status()
    {
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("cancel"));
        var page = Context.Render<RunPage>(p => p.Add(c => c.RunId, run.Id));
        await page.WaitForAssertionAsync(() => Assert.Equal("Running", page.Find(".loom-status").GetAttribute("data-status")), Wait);

        page.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        page.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel run").Click();
        await page.WaitForAssertionAsync(() => Assert.Equal("Canceled", page.Find(".loom-status").GetAttribute("data-status")), Wait);
        Assert.Equal(RunStatus.Canceled, (await Server.Client.Runs.GetAsync("default", run.Id)).Status);
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() == "Cancel");
    }

    [Fact]
    public async Task A_status_set_elsewhere_reaches_the_open_page_and_an_ended_run_offers_no_cancel()
    {
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("follow"));
        var page = Context.Render<RunPage>(p => p.Add(c => c.RunId, run.Id));
        await page.WaitForAssertionAsync(() => Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == "Cancel"), Wait);

        await Server.Client.Runs.UpdateAsync("default", run.Id, new UpdateRunRequest(Status: RunStatus.Completed));
        await page.WaitForAssertionAsync(() => Assert.Equal("Completed", page.Find(".loom-status").GetAttribute("data-status")), Wait);
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() == "Cancel");
    }

    [Fact]
    public async Task Metrics_of_a_live_run_are_read_again_as_they_grow_and_long_ones_are_downsampled()
    {
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("metrics"));
        await Server.Client.Metrics.LogAsync("default", run.Id, new MetricBatch(
            [.. Enumerable.Range(0, 5000).Select(i => new MetricPoint("long", Math.Sin(i / 100.0), i)), new MetricPoint("short", 1), new MetricPoint("short", 2)]));

        Context.Services.GetRequiredService<NavigationManager>().NavigateTo($"/runs/{run.Id}?tab=metrics");
        var page = Context.Render<RunPage>(p => p.Add(c => c.RunId, run.Id));
        await page.WaitForAssertionAsync(() => Assert.Equal(2, page.FindAll("[data-metric]").Count), Wait);
        Assert.Contains("5,000 points logged, 1,000 drawn", page.Markup);
        Assert.Contains("2 points logged", page.Markup);

        await Server.Client.Metrics.LogAsync("default", run.Id, new MetricBatch([new MetricPoint("short", 3), new MetricPoint("fresh", 7)]));
        await page.WaitForAssertionAsync(() => Assert.Contains("3 points logged", page.Markup), Wait);
        await page.WaitForAssertionAsync(() => Assert.Equal(3, page.FindAll("[data-metric]").Count), Wait);
    }

    [Fact]
    public async Task Child_runs_form_a_tree_that_links_each_run()
    {
        var root = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("tree", DisplayName: "pipeline"));
        var step = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest(null, ParentRunId: root.Id, DisplayName: "train-step"));
        var fold = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest(null, ParentRunId: step.Id, DisplayName: "fold-0"));
        await Server.Client.Runs.UpdateAsync("default", fold.Id, new UpdateRunRequest(Status: RunStatus.Completed));

        Context.Services.GetRequiredService<NavigationManager>().NavigateTo($"/runs/{root.Id}?tab=children");
        var page = Context.Render<RunPage>(p => p.Add(c => c.RunId, root.Id));
        await page.WaitForAssertionAsync(() => Assert.Equal(2, page.FindAll("[data-run]").Count), Wait);
        var nested = page.Find($"[data-run='{fold.Id}']");
        Assert.Equal($"/runs/{fold.Id}", nested.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("Completed", nested.QuerySelector(".loom-status")!.GetAttribute("data-status"));
    }

    private static RunDto Run(RunStatus status, IReadOnlyList<StatusChange> history, DateTimeOffset? start, DateTimeOffset? end) =>
        new("r", "default", "e", null, null, null, "r", status, history.Min(h => h.Time), start, end, history, null,
            new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, double>());
}
