using System.Text;
using Loom.Client;
using Loom.Contracts;
using Loom.Server;
using Loom.TestKit;

namespace Loom.Tests.Agent;

/// <summary>A server that restarts under a running job: the agent waits it out and the run loses no log byte.</summary>
public sealed class AgentServerRestartTests : IDisposable
{
    private readonly TempDirectory data = new("loom-restart-data");
    private readonly TempDirectory home = new("loom-agent-home");
    private readonly TempDirectory cache = new("loom-agent-cache");
    private readonly TempDirectory source = new("loom-agent-src");

    public void Dispose()
    {
        data.Dispose();
        home.Dispose();
        cache.Dispose();
        source.Dispose();
    }

    [Fact]
    public async Task A_server_restart_during_a_run_loses_no_log_bytes_and_the_run_completes()
    {
        var options = new ServerOptions { DataDirectory = data.Path, Urls = $"http://127.0.0.1:{FreePort.Next()}", Banner = false };
        RunningServer? server = await LoomServer.StartAsync(options, CancellationToken.None);
        var url = server.Url;
        var token = server.ReadAdminToken();
        using var client = new LoomClient(url, token);
        AgentProcess? agent = null;
        try
        {
            await client.Computes.CreateAsync("default", new CreateComputeRequest("cpu", "attached"));
            agent = AgentProcess.Start(url, token, home.Path, "cpu", cache.Path);
            // Lines every 50 ms for about 6 s: the restart falls in the middle.
            await File.WriteAllTextAsync(Path.Combine(source.Path, "count.py"),
                "import time\nfor i in range(120):\n    print('line', i, flush=True)\n    time.sleep(0.05)\n");
            var snapshot = await client.Snapshots.CreateFromFolderAsync("default", source.Path);
            var run = await client.Runs.SubmitAsync("default", new SubmitRunRequest("restart", snapshot.Id, "cpu", Script: "count.py"));
            Assert.True(await AgentTestTools.EventuallyAsync(async () => await StdLogAsync(client, run.Id) is { Length: > 0 }, TimeSpan.FromSeconds(60)),
                agent.Stderr);

            await server.DisposeAsync();
            server = null;
            await Task.Delay(TimeSpan.FromSeconds(2));
            server = await LoomServer.StartAsync(options, CancellationToken.None);

            RunDto? ended = null;
            Assert.True(await AgentTestTools.EventuallyAsync(async () => (ended = await client.Runs.GetAsync("default", run.Id)).Status.IsTerminal(),
                TimeSpan.FromMinutes(2)), $"{ended?.Status}\n{agent.Stderr}");
            Assert.True(ended!.Status == RunStatus.Completed, $"{ended.Status} {ended.Error}\n{agent.Stderr}");
            var expected = string.Concat(Enumerable.Range(0, 120).Select(i => $"line {i}\n"));
            Assert.Equal(expected, await StdLogAsync(client, run.Id));
            Assert.Contains("server unreachable", agent.Stderr);
        }
        finally
        {
            if (agent is not null) await agent.DisposeAsync();
            if (server is not null) await server.DisposeAsync();
        }
    }

    private static async Task<string> StdLogAsync(LoomClient client, string runId)
    {
        try
        {
            return Encoding.UTF8.GetString((await client.Logs.ReadAsync("default", runId, "std_log.txt")).Data);
        }
        catch (LoomNotFoundException)
        {
            return "";
        }
    }
}
