using Bunit;
using Dapper;
using Loom.Contracts;
using Loom.Store;
using Loom.Studio.Components.Pages.Experiments;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Tests.Studio;

/// <summary>The experiment page (<c>/experiments/{name}</c>) rendered by bUnit over a real server's services.</summary>
public sealed class ExperimentRunsPageTests : StudioComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private async Task<RunDto> RunAsync(string experiment, string name, double? accuracy, Dictionary<string, string>? @params = null,
        Dictionary<string, string>? tags = null, Dictionary<string, string>? properties = null, string? parent = null)
    {
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest(experiment, ParentRunId: parent, DisplayName: name,
            Params: @params, Tags: tags, Properties: properties));
        if (accuracy is { } value)
            await Server.Client.Metrics.LogAsync("default", run.Id, new MetricBatch([new MetricPoint("accuracy", value), new MetricPoint("loss", 1 - value)]));
        return run;
    }

    /// <summary>Renders the page at its address; filter and order come from the query string, as in the browser.</summary>
    private IRenderedComponent<ExperimentRuns> Open(string name, string? filter = null, string? orderBy = null, TimeSpan? refresh = null)
    {
        var navigation = Context.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameters($"/experiments/{name}",
            new Dictionary<string, object?> { ["filter"] = filter, ["orderBy"] = orderBy }));
        return Context.Render<ExperimentRuns>(p =>
        {
            p.Add(x => x.Name, name);
            if (refresh is { } interval) p.Add(x => x.RefreshInterval, interval);
        });
    }

    private static List<string> RunNames(IRenderedComponent<ExperimentRuns> page) =>
        page.FindAll("tr.loom-run a.loom-run-link").Select(a => a.TextContent).ToList();

    [Fact]
    public async Task An_experiment_opened_while_another_still_loads_wins()
    {
        var store = HookRunStore();
        await RunAsync("alpha", "alpha-run", 0.5);
        await RunAsync("beta", "beta-run", 0.7);
        var (held, release) = (new TaskCompletionSource<CancellationToken>(), new TaskCompletionSource());
        store.BeforeRead = async (read, cancellationToken) =>
        {
            if (read != "list:alpha" || release.Task.IsCompleted) return;
            held.TrySetResult(cancellationToken);
            await release.Task.WaitAsync(cancellationToken);
        };

        var page = Open("alpha");
        var first = await held.Task.WaitAsync(Wait);
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/experiments/beta");
        page.Render(p => p.Add(x => x.Name, "beta"));
        await page.WaitForAssertionAsync(() => Assert.Equal(["beta-run"], RunNames(page)), Wait);
        Assert.True(first.IsCancellationRequested);
        release.SetResult();
        await Task.Delay(500);
        page.Render();
        Assert.Equal(["beta-run"], RunNames(page));
        Assert.Contains("beta", page.Find("h1").TextContent);
    }

    [Fact]
    public async Task Runs_show_status_compute_tags_and_their_params_and_latest_metrics_as_columns()
    {
        await RunAsync("cols", "first", 0.5, new() { ["lr"] = "0.1", ["batch"] = "32" }, new() { ["stage"] = "dev" },
            new() { ["loom.compute"] = "gpu-cluster" });
        await RunAsync("cols", "second", 0.75, new() { ["lr"] = "0.01" });
        await RunAsync("cols", "third", null);

        var page = Open("cols");
        await page.WaitForAssertionAsync(() => Assert.Equal(3, RunNames(page).Count), Wait);

        var heads = page.FindAll("tr.loom-runs-heads th").Select(th => th.TextContent.Trim()).ToList();
        Assert.Equal(["", "Status", "Run", "Started", "Duration", "Compute", "Tags", "batch", "lr", "accuracy", "loss"], heads);
        Assert.Contains("Params", page.Find("tr.loom-runs-groups").TextContent);
        var first = page.FindAll("tr.loom-run").Single(r => r.TextContent.Contains("first"));
        var cells = first.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal("Running", cells[1]);
        Assert.Equal("gpu-cluster", cells[5]);
        Assert.Equal("stage: dev", cells[6]);
        Assert.Equal(["32", "0.1", "0.5", "0.5"], cells[7..]);
        var third = page.FindAll("tr.loom-run").Single(r => r.TextContent.Contains("third"));
        Assert.Equal("—", third.QuerySelectorAll("td")[^1].TextContent.Trim());
        Assert.StartsWith("/runs/cols_", first.QuerySelector("a.loom-run-link")!.GetAttribute("href"));
        Assert.Contains("3", page.Find("[data-testid=run-count]").TextContent);
    }

    [Fact]
    public async Task A_metric_header_click_asks_the_server_for_the_best_run_first()
    {
        foreach (var (name, accuracy) in new[] { ("a", 0.6), ("b", 0.9), ("c", 0.7) }) await RunAsync("sorting", name, accuracy);
        var page = Open("sorting");
        await page.WaitForAssertionAsync(() => Assert.Equal(["c", "b", "a"], RunNames(page)), Wait);

        var navigation = Context.Services.GetRequiredService<NavigationManager>();
        await page.InvokeAsync(() => page.Find("th[aria-sort] button[title='Sort by metrics.accuracy']").Click());
        Assert.Equal("metrics.accuracy desc", QueryOf(navigation.Uri, "orderBy"));

        var sorted = Open("sorting", orderBy: "metrics.accuracy desc");
        await sorted.WaitForAssertionAsync(() => Assert.Equal(["b", "c", "a"], RunNames(sorted)), Wait);
        Assert.Equal("descending", sorted.Find("th:has(button[title='Sort by metrics.accuracy'])").GetAttribute("aria-sort"));
        Assert.Contains("metrics.accuracy desc", sorted.Markup);
        await sorted.InvokeAsync(() => sorted.Find("button[title='Sort by metrics.accuracy']").Click());
        Assert.Equal("metrics.accuracy asc", QueryOf(navigation.Uri, "orderBy"));

        var filtered = Open("sorting", filter: "metrics.accuracy > 0.65", orderBy: "metrics.accuracy asc");
        await filtered.WaitForAssertionAsync(() => Assert.Equal(["c", "b"], RunNames(filtered)), Wait);
        Assert.Contains("2 runs match the filter", filtered.Find("[data-testid=run-count]").TextContent);
    }

    [Fact]
    public async Task A_bad_filter_shows_the_parsers_message_and_keeps_the_table()
    {
        await RunAsync("filtering", "only", 0.5);
        var page = Open("filtering");
        await page.WaitForAssertionAsync(() => Assert.Single(RunNames(page)), Wait);
        var navigation = Context.Services.GetRequiredService<NavigationManager>();
        var before = navigation.Uri;

        await page.InvokeAsync(() => page.Find(".loom-runs-filter input").Input("metrics.accuracy > 'high'"));
        await page.InvokeAsync(() => page.Find(".loom-runs-apply").Click());
        await page.WaitForAssertionAsync(() => Assert.Contains("metrics.accuracy is numeric; compare it with a number", page.Markup), Wait);
        Assert.Single(RunNames(page));
        Assert.Equal(before, navigation.Uri);

        await page.InvokeAsync(() => page.Find(".loom-runs-filter input").Input("metrics.accuracy >= 0.5"));
        await page.InvokeAsync(() => page.Find(".loom-runs-filter input").KeyDown("Enter"));
        await page.WaitForAssertionAsync(() => Assert.Equal("metrics.accuracy >= 0.5", QueryOf(navigation.Uri, "filter")), Wait);

        var fromAddress = Open("filtering", orderBy: "accuracy desc");
        await fromAddress.WaitForAssertionAsync(() => Assert.Contains("unknown field 'accuracy'", Text(fromAddress)), Wait);
        Assert.Empty(fromAddress.FindAll("tr.loom-run"));
    }

    [Fact]
    public async Task An_unknown_experiment_says_so()
    {
        var page = Open("nope");
        await page.WaitForAssertionAsync(() => Assert.Contains("Experiment 'nope' does not exist.", Text(page)), Wait);
        Assert.Contains("Back to the experiments", Text(page));
        Assert.Empty(page.FindAll("table"));
    }

    [Fact]
    public async Task An_empty_experiment_says_what_to_run_and_one_of_child_runs_offers_them()
    {
        var database = Server.Services.GetRequiredService<LoomDatabase>();
        await database.WriteAsync((c, t) => c.ExecuteAsync(
            "INSERT INTO experiments (workspace_id, name, created_ms, last_activity_ms, run_count) SELECT id, 'empty', 0, 0, 0 FROM workspaces WHERE name = 'default'",
            transaction: t), CancellationToken.None);
        var empty = Open("empty");
        await empty.WaitForAssertionAsync(() => Assert.Contains("No runs in this experiment yet", empty.Markup), Wait);
        Assert.Contains("loom run submit --experiment empty", empty.Markup);

        var parent = await RunAsync("parents", "parent", null);
        await RunAsync("children", "child", 0.5, parent: parent.Id);
        var children = Open("children");
        await children.WaitForAssertionAsync(() => Assert.Contains("Only child runs here", children.Markup), Wait);

        var nothing = Open("children", filter: "metrics.accuracy > 2");
        await nothing.WaitForAssertionAsync(() => Assert.Contains("No runs match this filter", nothing.Markup), Wait);
    }

    [Fact]
    public async Task Two_to_ten_selected_runs_open_the_comparison()
    {
        var runs = new List<RunDto>();
        for (var i = 0; i < 3; i++) runs.Add(await RunAsync("selecting", $"s{i}", i / 10.0));
        var page = Open("selecting");
        await page.WaitForAssertionAsync(() => Assert.Equal(3, RunNames(page).Count), Wait);
        Button Compare() => new(page.FindAll("button").Single(b => b.TextContent.Contains("Compare")));

        Assert.True(Compare().Disabled);
        await page.InvokeAsync(() => page.Find($"tr[data-run-id='{runs[0].Id}'] input[type=checkbox]").Change(true));
        Assert.True(Compare().Disabled);
        await page.InvokeAsync(() => page.Find($"tr[data-run-id='{runs[2].Id}'] input[type=checkbox]").Change(true));
        Assert.False(Compare().Disabled);
        Assert.Contains("2 selected", page.Markup);

        await page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Contains("Compare")).Click());
        var navigation = Context.Services.GetRequiredService<NavigationManager>();
        Assert.EndsWith($"/compare?runs={runs[0].Id},{runs[2].Id}", navigation.Uri);
    }

    [Fact]
    public async Task A_live_run_changes_in_place_and_new_runs_are_announced()
    {
        var run = await RunAsync("live", "going", 0.1);
        var page = Open("live", refresh: TimeSpan.FromMilliseconds(200));
        await page.WaitForAssertionAsync(() => Assert.Contains("Running", page.Find("tr.loom-run").TextContent), Wait);

        await Server.Client.Metrics.LogAsync("default", run.Id, new MetricBatch([new MetricPoint("accuracy", 0.8)]));
        await Server.Client.Runs.UpdateAsync("default", run.Id, new UpdateRunRequest(Status: RunStatus.Completed));
        await RunAsync("live", "newcomer", 0.2);
        await page.WaitForAssertionAsync(() =>
        {
            var row = page.Find("tr.loom-run");
            Assert.Contains("Completed", row.TextContent);
            Assert.Contains("0.8", row.TextContent);
            Assert.Contains("1 new · show", page.Markup);
        }, Wait);
        Assert.Equal(["going"], RunNames(page));

        await page.InvokeAsync(() => page.FindAll(".mud-chip").Single(c => c.TextContent.Contains("new")).Click());
        await page.WaitForAssertionAsync(() => Assert.Equal(["newcomer", "going"], RunNames(page)), Wait);
    }

    private static string Text(IRenderedComponent<ExperimentRuns> page) => string.Concat(page.Nodes.Select(n => n.TextContent));

    private static string? QueryOf(string uri, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(uri).Query).TryGetValue(name, out var value) ? value.ToString() : null;

    private sealed record Button(AngleSharp.Dom.IElement Element)
    {
        public bool Disabled => Element.HasAttribute("disabled");
    }
}
