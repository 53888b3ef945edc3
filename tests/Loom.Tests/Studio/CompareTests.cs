using Bunit;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Studio.Components.Pages.Compare;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Tests.Studio;

/// <summary>The compare page's logic in bUnit, over a real server's services, and the rules it is built on.</summary>
public sealed class CompareTests : StudioComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("")]
    [InlineData("only-one")]
    [InlineData("a,a")]
    [InlineData("1,2,3,4,5,6,7,8,9,10,11")]
    public async Task Fewer_than_two_or_more_than_ten_runs_get_a_message_saying_what_to_give(string runs)
    {
        var page = Open($"/compare?runs={runs}");
        await page.WaitForAssertionAsync(() => Assert.Contains("Compare takes 2 to 10 runs", page.Markup), Wait);
        Assert.Empty(page.FindAll("[data-compare-table]"));
    }

    [Fact]
    public async Task An_unknown_run_is_named()
    {
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("compare"));
        var page = Open($"/compare?runs={run.Id},ghost-run");
        await page.WaitForAssertionAsync(() => Assert.Contains("Run 'ghost-run' does not exist.", page.Markup), Wait);
    }

    [Fact]
    public async Task Parameters_and_metrics_sit_side_by_side_with_the_differences_marked()
    {
        var a = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("compare", DisplayName: "fast",
            Params: new() { ["lr"] = "0.1", ["batch"] = "32", ["only_a"] = "x" }));
        var b = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("compare", DisplayName: "slow",
            Params: new() { ["lr"] = "0.01", ["batch"] = "32" }));
        await Server.Client.Metrics.LogAsync("default", a.Id, new MetricBatch([new MetricPoint("loss", 0.5), new MetricPoint("acc", 0.9)]));
        await Server.Client.Metrics.LogAsync("default", b.Id, new MetricBatch([new MetricPoint("loss", 0.7), new MetricPoint("acc", 0.9)]));

        var page = Open($"/compare?runs={a.Id},{b.Id}");
        await page.WaitForAssertionAsync(() => Assert.Equal(2, page.FindAll("[data-compare-table]").Count), Wait);
        var parameters = page.Find("[data-compare-table=Parameters]");
        Assert.Contains("loom-diff", parameters.QuerySelector("tr[data-key=lr]")!.ClassName);
        Assert.DoesNotContain("loom-diff", parameters.QuerySelector("tr[data-key=batch]")!.ClassName ?? "");
        Assert.Equal(["only_a", "x", "—"], parameters.QuerySelectorAll("tr[data-key=only_a] td").Select(td => td.TextContent));
        Assert.Equal("true", parameters.QuerySelector("tr[data-key=only_a]")!.GetAttribute("data-differs"));
        var metrics = page.Find("[data-compare-table='Latest metrics']");
        Assert.Equal("true", metrics.QuerySelector("tr[data-key=loss]")!.GetAttribute("data-differs"));
        Assert.Equal("false", metrics.QuerySelector("tr[data-key=acc]")!.GetAttribute("data-differs"));
        Assert.Contains("2 of 3 differ", parameters.TextContent);

        page.Find("input[type=checkbox]").Change(true);
        Assert.Null(page.Find("[data-compare-table=Parameters]").QuerySelector("tr[data-key=batch]"));
    }

    [Fact]
    public void The_selection_keeps_the_given_order_and_drops_repeats_and_blanks()
    {
        Assert.Equal(["b", "a"], CompareSelection.Parse(" b, a ,,b"));
        var problem = Assert.Throws<LoomException>(() => CompareSelection.Parse(string.Join(',', Enumerable.Range(0, 11))));
        Assert.Equal(ErrorCodes.InvalidRequest, problem.Code);
    }

    [Fact]
    public void Parallel_axes_keep_numbers_as_numbers_index_the_rest_and_leave_out_what_does_not_vary()
    {
        RunDto Run(string id, Dictionary<string, string> parameters, double? accuracy) => new(id, "default", "e", id, null, null, id,
            RunStatus.Completed, DateTimeOffset.UnixEpoch, null, null, [], null, parameters, new Dictionary<string, string>(),
            new Dictionary<string, string>(), accuracy is { } v ? new Dictionary<string, double> { ["accuracy"] = v } : new Dictionary<string, double>());
        var runs = new[]
        {
            Run("a", new() { ["lr"] = "0.1", ["optimizer"] = "sgd", ["seed"] = "1" }, 0.8),
            Run("b", new() { ["lr"] = "0.01", ["optimizer"] = "adam", ["seed"] = "1" }, 0.9),
            Run("c", new() { ["lr"] = "1e-3", ["seed"] = "1" }, 0.85),
            Run("d", new() { ["lr"] = "0.5", ["seed"] = "1" }, null),
        };
        var axes = ParallelAxes.Build(runs, "accuracy");
        Assert.Equal(["lr", "optimizer", "accuracy"], axes.Dimensions.Select(d => d.Label));
        Assert.Equal([0.1, 0.01, 0.001], axes.Dimensions[0].Values);
        Assert.False(axes.Dimensions[0].IsCategorical);
        Assert.Equal([ParallelAxes.Missing, "adam", "sgd"], axes.Dimensions[1].Categories!);
        Assert.Equal([2.0, 1.0, 0.0], axes.Dimensions[1].Values);
        Assert.Equal([0.8, 0.9, 0.85], axes.Dimensions[2].Values);
        Assert.Equal(["d"], axes.RunsWithoutMetric);
        Assert.Equal(1, axes.ConstantParams);
    }

    [Fact]
    public async Task The_runs_are_read_at_once_and_a_new_selection_made_during_a_slow_read_wins()
    {
        var store = HookRunStore();
        var runs = new List<RunDto>();
        foreach (var name in new[] { "left-a", "left-b", "right-a", "right-b" })
            runs.Add(await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("overlap", DisplayName: name)));
        var (held, release) = (new TaskCompletionSource<CancellationToken>(), new TaskCompletionSource());
        store.BeforeRead = async (read, cancellationToken) =>
        {
            if (!read.Contains(runs[0].Id) || release.Task.IsCompleted) return;
            held.TrySetResult(cancellationToken);
            await release.Task.WaitAsync(cancellationToken);
        };

        var page = Open($"/compare?runs={runs[0].Id},{runs[1].Id}");
        var first = await held.Task.WaitAsync(Wait);
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo($"/compare?runs={runs[2].Id},{runs[3].Id}");
        page.Render();
        await page.WaitForAssertionAsync(() => Assert.Equal(2, page.FindAll("[data-compare-table]").Count), Wait);
        Assert.True(first.IsCancellationRequested);
        release.SetResult();
        await Task.Delay(500);
        Assert.Equal(["right-a", "right-b"], page.FindAll(".loom-compare-run a").Select(a => a.TextContent));
        Assert.Equal([$"many:{runs[0].Id},{runs[1].Id}", $"many:{runs[2].Id},{runs[3].Id}"], store.Reads);
    }

    [Fact]
    public async Task Charts_stop_at_the_first_metrics_and_say_so()
    {
        var points = Enumerable.Range(0, ComparePage.MaxCharts + 6).Select(i => new MetricPoint($"m{i:00}", i)).ToList();
        var a = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("many-metrics"));
        var b = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("many-metrics"));
        await Server.Client.Metrics.LogAsync("default", a.Id, new MetricBatch(points));
        await Server.Client.Metrics.LogAsync("default", b.Id, new MetricBatch(points[..3]));

        var page = Open($"/compare?runs={a.Id},{b.Id}");
        await page.WaitForAssertionAsync(() => Assert.Equal(ComparePage.MaxCharts, page.FindAll("[data-metric]").Count), Wait);
        Assert.Contains($"The first {ComparePage.MaxCharts} of {points.Count} metrics", page.Find("[data-testid=more-charts]").TextContent);
        Assert.Equal(30, page.FindAll("[data-compare-table='Latest metrics'] tr[data-key]").Count);
    }

    private IRenderedComponent<ComparePage> Open(string address)
    {
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        return Context.Render<ComparePage>();
    }
}
