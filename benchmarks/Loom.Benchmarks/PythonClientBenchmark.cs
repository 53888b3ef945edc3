using System.Diagnostics;
using System.Text.Json;
using Loom.Contracts;

namespace Loom.Benchmarks;

/// <summary>
/// The Python client's hot loop, <c>for i in range(N): run.log("m", float(i))</c>, timed inside the
/// Python process (Debian's python3, the client from clients/python on PYTHONPATH): the loop alone, and
/// until <c>run.flush()</c> returns.
/// </summary>
public static class PythonClientBenchmark
{
    public const string Python = "/usr/bin/python3";

    private const string Script = """
        import json, sys, time
        import loom
        n = int(sys.argv[1])
        run = loom.start_run(experiment="bench")
        t0 = time.perf_counter()
        for i in range(n):
            run.log("m", float(i))
        t1 = time.perf_counter()
        run.flush()
        t2 = time.perf_counter()
        run.complete()
        print(json.dumps({"run": run.id, "loop": t1 - t0, "flushed": t2 - t0}))
        """;

    public sealed record Result(string RunId, double LoopPointsPerSecond, double FlushedPointsPerSecond);

    public static async Task<Result> RunAsync(BenchServer server, string repositoryRoot, int points, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(points.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.Environment["PYTHONPATH"] = Path.Combine(repositoryRoot, "clients", "python");
        start.Environment["LOOM_TRACKING_URI"] = server.Server.Url.ToString().TrimEnd('/');
        start.Environment["LOOM_TOKEN"] = server.Server.AdminToken;
        start.Environment["LOOM_WORKSPACE"] = BenchSettings.Workspace;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The Python client did not finish {points:N0} points in 3 minutes.");
        }
        var stdout = await output;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"python3 exited with {process.ExitCode}: {LastLine(await error)}");
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var runId = json.RootElement.GetProperty("run").GetString()!;
        var stored = await server.Api.GetAsync<Dictionary<string, MetricSummary>>(BenchApi.MetricsPath(runId), cancellationToken);
        if (!stored.TryGetValue("m", out var metric) || metric.Count != points)
            throw new InvalidOperationException($"The Python client's run holds {(stored.TryGetValue("m", out var m) ? m.Count : 0):N0} of {points:N0} points.");
        return new Result(runId, points / json.RootElement.GetProperty("loop").GetDouble(), points / json.RootElement.GetProperty("flushed").GetDouble());
    }

    private static string LastLine(string text) =>
        text.Trim().Split('\n') is { Length: > 0 } lines ? lines[^1] : "(no output)";
}
