using System.Text;
using Loom.Client;
using Loom.Contracts;
using Loom.Server;
using Loom.TestKit;

namespace Loom.Tests.Cli;

/// <summary><c>loom run logs --follow</c> (and so <c>run submit --stream</c>) resumes after a server restart without losing or repeating bytes.</summary>
public sealed class FollowRestartTests : IDisposable
{
    private readonly TempDirectory _data = new("loom-follow-data");
    private readonly TempDirectory _home = new("loom-follow-home");

    public void Dispose()
    {
        _data.Dispose();
        _home.Dispose();
    }

    [Fact]
    public async Task Following_a_log_resumes_after_the_server_restarts()
    {
        var options = new ServerOptions { DataDirectory = _data.Path, Urls = $"http://127.0.0.1:{FreePort.Next()}", Banner = false };
        RunningServer? server = await LoomServer.StartAsync(options, CancellationToken.None);
        var url = server.Url;
        var token = server.ReadAdminToken();
        using var client = new LoomClient(url, token);
        System.Diagnostics.Process? follower = null;
        try
        {
            var run = await client.Runs.CreateAsync("default", new CreateRunRequest("follow"));
            await client.Logs.AppendAsync("default", run.Id, "std_log.txt", "before restart\n"u8.ToArray(), offset: 0);
            var cli = new CliProcess(_home.Path);
            cli.Environment["LOOM_URL"] = url.ToString();
            cli.Environment["LOOM_TOKEN"] = token;
            follower = cli.Start("run", "logs", run.Id, "--file", "std_log.txt", "--follow");
            var stdout = follower.StandardOutput.ReadToEndAsync();
            var stderr = follower.StandardError.ReadToEndAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));

            await server.DisposeAsync();
            server = null;
            await Task.Delay(TimeSpan.FromSeconds(2));
            server = await LoomServer.StartAsync(options, CancellationToken.None);
            await client.Logs.AppendAsync("default", run.Id, "std_log.txt", "after restart\n"u8.ToArray(), offset: "before restart\n".Length);
            await client.Runs.UpdateAsync("default", run.Id, new UpdateRunRequest(RunStatus.Completed));

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await follower.WaitForExitAsync(timeout.Token);
            Assert.True(follower.ExitCode == 0, await stderr);
            Assert.Equal("before restart\nafter restart\n", await stdout);
        }
        finally
        {
            if (follower is { HasExited: false }) follower.Kill(entireProcessTree: true);
            follower?.Dispose();
            if (server is not null) await server.DisposeAsync();
        }
    }
}
