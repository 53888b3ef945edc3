using System.Diagnostics;
using System.Text;
using Loom.Contracts;
using Loom.Studio.Components.Pages.Runs;
using Loom.TestKit;
using Microsoft.Playwright;

namespace Loom.Tests.Studio;

/// <summary>
/// The run and compare pages in a real Chromium, against a server filled through the bundled Python client (and the C#
/// client for what the Python client does not do: appending log lines as an agent would).
/// </summary>
public sealed class RunPageBrowserTests
{
    private const string Workspace = "default";

    [Fact]
    public async Task A_run_page_charts_every_logged_point_and_shows_the_runs_details()
    {
        await using var server = await LoomTestServer.StartAsync();
        var runId = await PythonAsync(server, """
            import io, loom, os, struct, tempfile, zlib
            git = {"azureml.git.repository_uri": "https://example.com/vision.git", "azureml.git.branch": "main",
                   "azureml.git.commit": "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39", "azureml.git.dirty": "true"}
            with loom.start_run(experiment="studio-run", display_name="resnet-small", params={"lr": 0.01, "optimizer": "adam", "epochs": 25},
                                tags={"team": "vision", "baseline": ""}, properties=git) as run:
                for step in range(25):
                    run.log("loss", 1.0 / (step + 1))
                    run.log("accuracy", 0.5 + step / 60.0)
                for label, precision in (("cat", 0.91), ("dog", 0.87)):
                    run.log_row("per_class", label=label, precision=precision)
                run.log_table("confusion", {"actual": ["cat", "dog"], "cat": [45, 6], "dog": [5, 44]})
                png = os.path.join(tempfile.mkdtemp(), "curve.png")
                rows = b"".join(b"\x00" + bytes((x * 8, 90, 255 - x * 8) * 32) for x in range(32))
                chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
                with open(png, "wb") as f:
                    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 32, 32, 8, 2, 0, 0, 0))
                            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
                run.log_image("sample", path=png)
                run.upload_file("outputs/summary.txt", io.BytesIO(b"accuracy 0.9\nloss 0.04\n"))
                for fold in range(2):
                    child = run.child_run(name="fold-%d" % fold)
                    child.log("accuracy", 0.8 + fold / 100)
                    child.complete()
                run.flush()
                print(run.id)
            """);

        await using var browser = await StudioBrowser.LaunchAsync();
        var page = await browser.SignInAsync(server.Url, server.AdminToken, $"/runs/{runId}");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("resnet-small");
        await Assertions.Expect(page.Locator(".loom-timeline-step")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-git=dirty]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-card=params]")).ToContainTextAsync("optimizer");
        await StudioBrowser.ScreenshotAsync(page, "run-overview");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Metrics" }).ClickAsync();
        var loss = RunMetrics.ChartIdOf("loss");
        await page.WaitForFunctionAsync($"() => document.getElementById('{loss}')?.data?.length === 1");
        Assert.Equal(25, await page.EvaluateAsync<int>($"() => document.getElementById('{loss}').data[0].x.length"));
        Assert.Equal(1.0, await page.EvaluateAsync<double>($"() => document.getElementById('{loss}').data[0].y[0]"));
        await Assertions.Expect(page.Locator("[data-metric-table=per_class] tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-metric-table=confusion]")).ToContainTextAsync("actual");
        await Assertions.Expect(page.Locator("[data-metric-images=sample] img")).ToHaveCountAsync(1);
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('[data-metric-images=sample] img').naturalWidth === 32"));

        await page.Locator(".loom-axis-toggle").GetByText("Time").ClickAsync();
        await page.WaitForFunctionAsync($"() => document.getElementById('{loss}').layout.xaxis.type === 'date'");
        await page.Locator(".loom-axis-toggle").GetByText("Step").ClickAsync();
        await page.WaitForFunctionAsync($"() => document.getElementById('{loss}').layout.xaxis.type === 'linear'");
        await StudioBrowser.ScreenshotAsync(page, "run-metrics");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Child runs" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "fold-1" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".loom-run-tree [data-status=Completed]")).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task A_live_run_shows_new_log_lines_and_its_end_without_a_reload()
    {
        await using var server = await LoomTestServer.StartAsync();
        var run = await server.Client.Runs.CreateAsync(Workspace, new CreateRunRequest("studio-live", DisplayName: "live-training"));
        const string log = "user_logs/std_log.txt";
        await server.Client.Logs.AppendAsync(Workspace, run.Id, log, Encoding.UTF8.GetBytes("starting\n"));

        await using var browser = await StudioBrowser.LaunchAsync();
        var page = await browser.SignInAsync(server.Url, server.AdminToken, $"/runs/{run.Id}?tab=outputs");
        var status = page.Locator(".loom-status").First;
        await Assertions.Expect(status).ToHaveAttributeAsync("data-status", "Running");
        var text = page.Locator($"[data-log='{log}']");
        await Assertions.Expect(text).ToContainTextAsync("starting");
        await page.EvaluateAsync("() => window.loomNoReload = true");

        var lines = new StringBuilder();
        for (var epoch = 1; epoch <= 40; epoch++) lines.Append($"epoch {epoch}: loss {1.0 / epoch:F4}\n");
        await server.Client.Logs.AppendAsync(Workspace, run.Id, log, Encoding.UTF8.GetBytes(lines.ToString()));
        await Assertions.Expect(text).ToContainTextAsync("epoch 40: loss 0.0250", new() { Timeout = 15_000 });
        await server.Client.Logs.AppendAsync(Workspace, run.Id, log, Encoding.UTF8.GetBytes("training done\n"));
        await server.Client.Runs.UpdateAsync(Workspace, run.Id, new UpdateRunRequest(Status: RunStatus.Completed));

        await Assertions.Expect(status).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 15_000 });
        await Assertions.Expect(text).ToContainTextAsync("training done", new() { Timeout = 15_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.loomNoReload === true"));
        // The log view stays pinned to the newest line as it grows.
        Assert.True(await page.EvaluateAsync<bool>($"() => {{ const e = document.querySelector(\"[data-log='{log}']\"); return e.scrollHeight > e.clientHeight && Math.abs(e.scrollTop) < 2; }}"));
        await StudioBrowser.ScreenshotAsync(page, "run-logs");
    }

    [Fact]
    public async Task Comparing_two_runs_overlays_their_metrics_and_marks_the_parameters_that_differ()
    {
        await using var server = await LoomTestServer.StartAsync();
        var ids = (await PythonAsync(server, """
            import loom
            for name, lr, batch in (("lr-0.1", 0.1, 32), ("lr-0.01", 0.01, 32)):
                with loom.start_run(experiment="studio-compare", display_name=name, params={"lr": lr, "batch": batch, "optimizer": "sgd"}) as run:
                    for step in range(30):
                        run.log("loss", (1.0 + lr * 10) / (step + 1))
                    run.log("accuracy", 0.9 - lr)
                    run.flush()
                    print(run.id)
            """)).Split('\n');

        await using var browser = await StudioBrowser.LaunchAsync();
        var page = await browser.SignInAsync(server.Url, server.AdminToken, $"/compare?runs={ids[0]},{ids[1]}");
        var loss = RunMetrics.ChartIdOf("loss");
        await page.WaitForFunctionAsync($"() => document.getElementById('{loss}')?.data?.length === 2");
        Assert.Equal(30, await page.EvaluateAsync<int>($"() => document.getElementById('{loss}').data[1].x.length"));
        Assert.Equal(["lr-0.1", "lr-0.01"], await page.EvaluateAsync<string[]>($"() => document.getElementById('{loss}').data.map(t => t.name)"));

        var parameters = page.Locator("[data-compare-table=Parameters]");
        await Assertions.Expect(parameters.Locator("tr[data-key=lr]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("loom-diff"));
        await Assertions.Expect(parameters.Locator("tr[data-key=batch]")).ToHaveAttributeAsync("data-differs", "false");
        Assert.Equal("rgb(255, 244, 230)", await parameters.Locator("tr[data-key=lr] td").Nth(1).EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        await page.WaitForFunctionAsync("() => document.getElementById('parcoords')?.data?.[0]?.dimensions?.length === 2");
        await StudioBrowser.ScreenshotAsync(page, "compare");
    }

    /// <summary>Runs a script with the bundled Python client against <paramref name="server"/> as the admin; returns what it printed.</summary>
    private static async Task<string> PythonAsync(LoomTestServer server, string script)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-");
        start.Environment["PYTHONPATH"] = Path.Combine(RepositoryRoot(), "clients", "python");
        start.Environment["LOOM_TRACKING_URI"] = server.Url.ToString();
        start.Environment["LOOM_TOKEN"] = server.AdminToken;
        start.Environment["LOOM_WORKSPACE"] = Workspace;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"python failed ({process.ExitCode}): {await errors}");
        return (await output).Trim();
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Loom.slnx"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Loom.slnx not found above the tests.");
    }
}
