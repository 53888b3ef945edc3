using System.Diagnostics;
using System.Globalization;
using Loom.TestKit;

namespace Loom.Benchmarks;

/// <summary>
/// A <c>loom server</c> process on a fresh data folder: time from process start to the first 200 from
/// GET /healthz, and its resident memory once it has been healthy and idle for two seconds.
/// Uses the built CLI (release, else debug); without one, this benchmark's own executable hosts the
/// same <c>LoomServer.RunAsync</c> (<c>--serve</c>), which the note then says.
/// </summary>
public static class StartupBenchmark
{
    public sealed record Result(double MedianMs, double MedianRssMiB, string Host);

    public static async Task<Result> RunAsync(string repositoryRoot, int repeats, CancellationToken cancellationToken)
    {
        var (fileName, prefix, host) = Host(repositoryRoot);
        var times = new List<double>();
        var rss = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var (ms, mib) = await StartOnceAsync(fileName, prefix, cancellationToken);
            times.Add(ms);
            rss.Add(mib);
        }
        return new Result(Measure.Median(times), Measure.Median(rss), host);
    }

    private static (string FileName, string[] Prefix, string Host) Host(string repositoryRoot)
    {
        foreach (var configuration in new[] { "release", "debug" })
        {
            var cli = Path.Combine(repositoryRoot, "artifacts", "bin", "Loom.Cli", configuration, "loom.dll");
            if (File.Exists(cli)) return ("dotnet", [cli, "server"], $"loom.dll server ({configuration})");
        }
        return (Environment.ProcessPath!, ["--serve"], "no CLI build found: LoomServer.RunAsync hosted by Loom.Benchmarks --serve");
    }

    private static async Task<(double Ms, double RssMiB)> StartOnceAsync(string fileName, string[] prefix, CancellationToken cancellationToken)
    {
        using var data = new TempDirectory("loom-start");
        var port = FreePort.Next();
        var url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in prefix.Concat(["--data", data.Path, "--urls", url])) start.ArgumentList.Add(arg);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            while (true)
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"The server exited with {process.ExitCode}: {(await error).Trim()} {(await output).Trim()}");
                if (watch.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("The server was not healthy within 30 s.");
                try
                {
                    using var response = await http.GetAsync($"{url}/healthz", cancellationToken);
                    if (response.IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) { }
                await Task.Delay(5, cancellationToken);
            }
            var ms = watch.Elapsed.TotalMilliseconds;
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            return (ms, ReadRssMiB(process.Id));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>VmRSS from /proc/PID/status, in MiB.</summary>
    private static double ReadRssMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = double.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kib / 1024;
    }
}
