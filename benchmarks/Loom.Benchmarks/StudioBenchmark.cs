using Loom.Studio.Components.Pages.Experiments;
using Loom.TestKit;

namespace Loom.Benchmarks;

/// <summary>
/// The Studio in Debian's Chromium (Playwright, headless) over an in-process server holding one experiment of 100,000
/// runs (10,000 with <c>--quick</c>) and a run with a 1,000,000-point metric: navigation to the experiment page's first
/// row, a metric header click to the best run in the first row, and navigation to the run page's chart with its trace.
/// Each time is taken in the page itself (<c>performance.now()</c> at the animation frame after the element appeared), so
/// Playwright's own polling is not in it.
/// </summary>
public static class StudioBenchmark
{
    public const int Repeats = 5;
    public const int LongMetricPoints = 1_000_000;
    private static readonly Aim Aim = Aim.Below(1_000, "ms");
    private static readonly TimeSpan SampleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Printed under the table: why it has no peer figures.</summary>
    public const string Footnote =
        "Aim: each < 1 s. Peers: MLflow's UI on the same data is not measured: MLflow cannot be installed here (PyPI unreachable, no "
        + "Debian package), and no figure is given in its place. Times are taken in the page (performance.now()), medians of 5.";

    public static async Task RunAsync(BenchSettings settings, ResultTable table, CancellationToken cancellationToken)
    {
        var runs = settings.Quick ? 10_000 : 100_000;
        await using var server = await BenchServer.StartAsync("SQLite", null);
        var seeder = new StudioSeeder(server);
        Progress.Say($"Seeding {runs:N0} runs through the store and {LongMetricPoints:N0} points through the metrics batch API");
        var seedTime = await Measure.TimeAsync(() => seeder.SeedRunsAsync(runs, cancellationToken));
        table.Add("studio", $"Seed {runs:N0} runs (store path)", seedTime.TotalMilliseconds, "ms", null,
            $"{runs / seedTime.TotalSeconds:N0} runs/s; each: create, 2 metrics, complete (3 transactions)");
        string longRun = "";
        var longTime = await Measure.TimeAsync(async () => longRun = await seeder.SeedLongMetricAsync(LongMetricPoints, cancellationToken));
        table.Add("studio", $"Log {LongMetricPoints:N0} points of one metric (batch API)", longTime.TotalMilliseconds, "ms", null,
            $"{LongMetricPoints / longTime.TotalSeconds:N0} points/s in batches of 10,000");

        await using var browser = await StudioBrowser.LaunchAsync();
        var page = await browser.SignInAsync(server.Server.Url, server.Server.AdminToken);
        await page.Context.AddInitScriptAsync(StudioTimings.Script);
        var timings = new StudioTimings(page, SampleTimeout);
        var note = $"median of {Repeats} after 1 warm-up; {runs:N0} runs";

        await RowAsync(table, "Experiment page: navigation to first row", async () =>
        {
            var ms = await timings.FirstRowAsync($"/experiments/{StudioSeeder.Experiment}");
            await timings.ExpectCountAsync(runs);
            return ms;
        }, $"{note}; page load, Blazor circuit, run count and first block of {RunWindow.DefaultBlockSize} runs included");

        var best = StudioSeeder.BestRun(runs);
        await RowAsync(table, "Sort by a metric: header click to best run in row 1", async () =>
        {
            await timings.FirstRowAsync($"/experiments/{StudioSeeder.Experiment}");
            return await timings.SortAsync("metrics.accuracy", best);
        }, $"{note}; orderBy=metrics.accuracy desc through the address, count and first block read again");

        // What was measured, for the eye: the large experiment sorted by accuracy.
        await StudioBrowser.ScreenshotAsync(page, $"experiment-page-{runs / 1000}k");

        await RowAsync(table, "Scroll to the last run (virtualized table)", async () =>
        {
            await timings.FirstRowAsync($"/experiments/{StudioSeeder.Experiment}");
            return await timings.ScrollToEndAsync(StudioSeeder.RunId(0));
        }, $"{note}; newest first, so the last row is the first run created; the block is found by skipping sort keys, not by reading the runs before it");

        await RowAsync(table, $"Run page: navigation to chart trace ({LongMetricPoints / 1_000_000}M-point metric)",
            () => timings.ChartAsync($"/runs/{longRun}?tab=metrics"),
            $"median of {Repeats} after 1 warm-up; until .js-plotly-plot .scatterlayer .trace is painted");

    }

    private static async Task RowAsync(ResultTable table, string name, Func<Task<double>> sample, string note)
    {
        try
        {
            Progress.Say(name);
            await sample();
            var times = new List<double>();
            for (var i = 0; i < Repeats; i++) times.Add(await sample());
            table.Add("studio", name, Measure.Median(times), "ms", Aim, $"{note}; min {times.Min():F0}, max {times.Max():F0}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            table.Fail("studio", name, "ms", Aim, e);
        }
    }
}
