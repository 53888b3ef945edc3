using System.Diagnostics;
using System.Text.RegularExpressions;
using Loom.TestKit;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Loom.Tests.Studio;

/// <summary>The experiment page in Debian's Chromium, over a server filled by the bundled Python client as a user's script would.</summary>
public sealed class ExperimentPageBrowserTests
{
    private const string Experiment = "browser-sort";

    /// <summary>Five runs of a training script: trial-1 ends best (0.93), three end above 0.8.</summary>
    private const string Script = """
        import loom
        for i, accuracy in enumerate([0.71, 0.93, 0.85, 0.62, 0.88]):
            with loom.start_run(experiment="browser-sort", display_name="trial-%d" % i,
                                params={"lr": 0.1 / (i + 1), "depth": i + 2},
                                tags={"stage": "prod" if i % 2 else "dev"}) as run:
                for step in range(5):
                    run.log("accuracy", accuracy * (step + 1) / 5, step=step)
                run.log("loss", round(1 - accuracy, 4))
        """;

    [Fact]
    public async Task Opening_an_experiment_sorting_by_accuracy_and_filtering_show_the_runs_the_server_holds()
    {
        await using var server = await LoomTestServer.StartAsync();
        await RunPythonAsync(server, Script);
        await using var browser = await StudioBrowser.LaunchAsync();

        var page = await browser.SignInAsync(server.Url, server.AdminToken);
        await page.GetByRole(AriaRole.Link, new() { Name = Experiment }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/experiments/{Experiment}$"));
        var rows = page.Locator("tr.loom-run");
        await Expect(rows).ToHaveCountAsync(5);
        await Expect(page.GetByTestId("run-count")).ToHaveTextAsync("5 runs");

        await page.Locator("button[title='Sort by metrics.accuracy']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"orderBy=metrics\.accuracy(%20|\+)desc"));
        await Expect(rows.First).ToContainTextAsync("trial-1");
        await Expect(rows.Nth(1)).ToContainTextAsync("trial-4");
        await Expect(rows.Last).ToContainTextAsync("trial-3");
        await Expect(page.Locator("th:has(button[title='Sort by metrics.accuracy'])")).ToHaveAttributeAsync("aria-sort", "descending");

        await page.Locator("tr.loom-run", new() { HasText = "trial-1" }).GetByRole(AriaRole.Checkbox).CheckAsync();
        await page.Locator("tr.loom-run", new() { HasText = "trial-2" }).GetByRole(AriaRole.Checkbox).CheckAsync();

        await page.GetByLabel("Filter").FillAsync("metrics.accuracy > 0.8");
        await page.GetByLabel("Filter").PressAsync("Enter");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("run-count")).ToHaveTextAsync("3 runs match the filter");
        await Expect(rows.First).ToContainTextAsync("trial-1");
        await Expect(rows.First.Locator("td.loom-num", new() { HasText = "0.93" })).ToBeVisibleAsync();
        // The selection made before filtering holds: two runs, ready to compare.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Compare (2)" })).ToBeEnabledAsync();
        await StudioBrowser.ScreenshotAsync(page, "experiment-page");

        // The column chooser lists what the runs logged; hiding a metric takes its column away.
        await page.GetByRole(AriaRole.Button, new() { Name = "Columns" }).ClickAsync();
        var loss = page.GetByRole(AriaRole.Checkbox, new() { Name = "loss", Exact = true });
        await Expect(loss).ToBeCheckedAsync();
        // The menu fades in: the screenshot finishes the transition rather than catching it half way.
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(StudioBrowser.ScreenshotDirectory, "experiment-page-columns.png"), Animations = ScreenshotAnimations.Disabled,
        });
        await loss.ClickAsync();
        await Expect(page.Locator("tr.loom-runs-heads th", new() { HasText = "loss" })).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("Escape");

        await page.GetByLabel("Filter").FillAsync("metrics.accuracy > high");
        await page.GetByLabel("Filter").PressAsync("Enter");
        await Expect(page.GetByText("'high' is not a value")).ToBeVisibleAsync();
        await Expect(rows).ToHaveCountAsync(3);
    }

    /// <summary>Runs a script with the bundled client on PYTHONPATH and the server in LOOM_TRACKING_URI/LOOM_TOKEN, as a user's shell would.</summary>
    private static async Task RunPythonAsync(LoomTestServer server, string script)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.Environment["PYTHONPATH"] = Path.Combine(AppContext.BaseDirectory, "python");
        start.Environment["LOOM_TRACKING_URI"] = server.Url.ToString();
        start.Environment["LOOM_TOKEN"] = server.AdminToken;
        start.Environment["LOOM_WORKSPACE"] = "default";
        start.ArgumentList.Add("-");
        using var python = Process.Start(start)!;
        await python.StandardInput.WriteAsync(script);
        python.StandardInput.Close();
        var output = python.StandardOutput.ReadToEndAsync();
        var errors = python.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await python.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            python.Kill(entireProcessTree: true);
            throw new TimeoutException("The Python client script did not finish within 60 s.");
        }
        Assert.True(python.ExitCode == 0, $"python3 exited with {python.ExitCode}: {await output}{await errors}");
    }
}
