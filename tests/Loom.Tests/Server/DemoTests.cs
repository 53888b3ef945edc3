using System.Diagnostics;
using System.Globalization;
using Loom.TestKit;

namespace Loom.Tests.Server;

/// <summary>
/// <c>loom server --demo</c> as its own process on a fresh data folder: it trains the dependency-free iris sample on a local compute
/// target, deploys it, and prints a ready line that, run in a shell, answers with predictions; a second start reuses all of it.
/// </summary>
public sealed class DemoTests : IDisposable
{
    private const string Invoke = """loom endpoint invoke iris-demo --data '{"data": [[5.1, 3.5, 1.4, 0.2]]}'""";
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(5);

    private readonly TempDirectory _home = new("loom-demo-home");
    private readonly TempDirectory _data = new("loom-demo-data");

    public void Dispose()
    {
        _data.Dispose();
        _home.Dispose();
    }

    /// <summary>Starts the demo server, reads its output up to the ready line, runs that line, stops the server; returns the demo's lines.</summary>
    private async Task<List<string>> StartCallAndStopAsync()
    {
        var port = FreePort.Next();
        using var server = new CliProcess(_home.Path).Start("server", "--demo", "--data", _data.Path, "--urls", $"http://127.0.0.1:{port}",
            "--agent-python", "/usr/bin/python3");
        using var bound = new CancellationTokenSource(Bound);
        var stderr = server.StandardError.ReadToEndAsync(bound.Token);
        var demo = new List<string>();
        try
        {
            string? ready = null;
            while (ready is null)
            {
                var line = await server.StandardOutput.ReadLineAsync(bound.Token);
                if (line is null) Assert.Fail($"the server ended before the demo was ready:\n{string.Join('\n', demo)}\n{await stderr}");
                if (line.StartsWith("demo: ", StringComparison.Ordinal)) demo.Add(line);
                Assert.DoesNotContain("could not be set up", line);
                if (line.Contains("loom endpoint invoke", StringComparison.Ordinal)) ready = line.Trim();
            }
            Assert.Contains(Invoke, ready);
            Assert.Contains($"--url http://127.0.0.1:{port}", ready);
            Assert.Contains($"Studio: http://127.0.0.1:{port}/experiments/demo", await server.StandardOutput.ReadLineAsync(bound.Token));
            // The loom executable serves the Studio's page and scripts from its own static-asset manifests.
            using (var browser = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") })
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, (await browser.GetAsync("/signin", bound.Token)).StatusCode);
                Assert.Equal(System.Net.HttpStatusCode.OK, (await browser.GetAsync("/_framework/blazor.web.js", bound.Token)).StatusCode);
                Assert.Equal(System.Net.HttpStatusCode.OK, (await browser.GetAsync("/_content/MudBlazor/MudBlazor.min.css", bound.Token)).StatusCode);
            }

            var answer = await RunInShellAsync(ready, bound.Token);
            Assert.True(answer.ExitCode == 0, answer.ToString());
            Assert.Equal("[0]", answer.Stdout.Trim());

            Process.Start("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            _ = server.StandardOutput.ReadToEndAsync(bound.Token);
            await server.WaitForExitAsync(bound.Token);
            Assert.True(server.ExitCode == 0, await stderr);
            return demo;
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Runs the printed line in bash as a user would, <c>loom</c> being the built CLI, with a private home and no other LOOM_* variable.</summary>
    private async Task<CliResult> RunInShellAsync(string line, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"loom() {{ dotnet '{CliProcess.Dll}' \"$@\"; }}\n{line}");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("LOOM_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        start.Environment["HOME"] = _home.Path;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task The_demo_trains_deploys_and_prints_a_line_that_scores_and_a_second_start_reuses_it()
    {
        var first = await StartCallAndStopAsync();
        Assert.Contains(first, l => l.StartsWith("demo: created the local compute target cpu", StringComparison.Ordinal));
        Assert.Contains(first, l => l.StartsWith("demo: training train_plain.py in experiment demo on cpu", StringComparison.Ordinal));
        Assert.Contains(first, l => l.StartsWith("demo: registered model iris-demo:1 from run ", StringComparison.Ordinal));
        Assert.Contains(first, l => l.StartsWith("demo: deploying iris-demo:1 with score_plain.py as iris-demo/blue", StringComparison.Ordinal));

        var second = await StartCallAndStopAsync();
        Assert.Contains("demo: using compute target cpu (local)", second);
        Assert.Contains("demo: using model iris-demo:1", second);
        Assert.Contains("demo: using endpoint iris-demo", second);
        Assert.Contains(second, l => l.StartsWith("demo: using deployment iris-demo/blue (iris-demo:1", StringComparison.Ordinal));
        Assert.DoesNotContain(second, l => l.Contains("training", StringComparison.Ordinal));
    }
}
