using System.Diagnostics;
using System.Net.Http.Json;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Cli;

/// <summary><c>loom server</c> as its own process: prints where it is, serves, guards its data folder, stops on SIGTERM.</summary>
public sealed class ServerProcessTests
{
    [Fact]
    public async Task Loom_server_starts_serves_refuses_a_second_server_and_stops_cleanly()
    {
        using var home = new TempDirectory("loom-home");
        using var data = new TempDirectory("loom-data");
        var port = FreePort.Next();
        var cli = new CliProcess(home.Path);
        using var server = cli.Start("server", "--data", data.Path, "--urls", $"http://127.0.0.1:{port}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var banner = await server.StandardOutput.ReadLineAsync(timeout.Token);
        Assert.Contains($"127.0.0.1:{port}", banner);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal("healthy", (await http.GetFromJsonAsync<HealthDto>("/healthz", timeout.Token))!.Status);
        Assert.True(File.Exists(Path.Combine(data.Path, "admin.token")));

        var second = await cli.RunAsync("server", "--data", data.Path, "--urls", $"http://127.0.0.1:{FreePort.Next()}");
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("Another Loom server is using the data folder", second.Stderr);

        Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        await server.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, server.ExitCode);
        Assert.Equal(2, (await cli.RunAsync("server", "--bogus")).ExitCode);
    }
}
