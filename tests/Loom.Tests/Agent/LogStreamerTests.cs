using System.Text;
using Loom.Agent.Logs;
using Loom.Contracts;
using Loom.Server;
using Loom.TestKit;

namespace Loom.Tests.Agent;

/// <summary>Log streaming against a real server: byte-exact at offsets, across a server restart.</summary>
public sealed class LogStreamerTests
{
    private static async Task<string> ReadLogAsync(Loom.Client.LoomClient client, string runId, string file) =>
        Encoding.UTF8.GetString((await client.Logs.ReadAsync("default", runId, file)).Data);

    [Fact]
    public async Task Every_byte_arrives_once_in_order_across_files_and_chunk_sizes()
    {
        await using var server = await LoomTestServer.StartAsync();
        var run = await server.Client.Runs.CreateAsync("default", new CreateRunRequest("agent-logs"));
        var expected = new Dictionary<string, StringBuilder> { ["std_log.txt"] = new(), ["agent_log.txt"] = new() };
        await using (var streamer = new LogStreamer(server.Client.Logs, "default", run.Id))
        {
            var random = new Random(7);
            for (var i = 0; i < 300; i++)
            {
                var file = i % 3 == 0 ? "agent_log.txt" : "std_log.txt";
                // Mostly lines, now and then a block past the eager threshold (and past the 1 MiB chunk once).
                var text = i == 150 ? new string('z', 1_300_000) + "\n"
                    : i % 50 == 0 ? new string((char)('a' + (i % 26)), LogStreamer.EagerBytes + 10) + "\n"
                    : $"line {i} ünïcødé {new string('.', random.Next(0, 200))}\n";
                expected[file].Append(text);
                streamer.Append(file, Encoding.UTF8.GetBytes(text));
                if (i % 40 == 0) await Task.Delay(random.Next(0, 300));
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await streamer.FlushAsync(timeout.Token);
            foreach (var (file, text) in expected)
                Assert.Equal(Encoding.UTF8.GetByteCount(text.ToString()), streamer.SentBytes(file));
        }
        foreach (var (file, text) in expected) Assert.Equal(text.ToString(), await ReadLogAsync(server.Client, run.Id, file));
    }

    [Fact]
    public async Task The_first_line_goes_out_without_a_flush()
    {
        await using var server = await LoomTestServer.StartAsync();
        var run = await server.Client.Runs.CreateAsync("default", new CreateRunRequest("agent-logs"));
        await using var streamer = new LogStreamer(server.Client.Logs, "default", run.Id);
        streamer.AppendLine("std_log.txt", "hello");
        Assert.True(await AgentTestTools.EventuallyAsync(async () => await ReadLogAsync(server.Client, run.Id, "std_log.txt").ContinueWith(t =>
            t.IsCompletedSuccessfully && t.Result == "hello\n"), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Bytes_appended_while_the_server_is_down_arrive_once_it_is_back()
    {
        using var data = new TempDirectory("loom-restart");
        var options = new ServerOptions { DataDirectory = data.Path, Urls = $"http://127.0.0.1:{FreePort.Next()}", Banner = false };
        RunningServer? server = await LoomServer.StartAsync(options, CancellationToken.None);
        using var client = new Loom.Client.LoomClient(server.Url, server.ReadAdminToken(), options: new Loom.Client.LoomClientOptions { MaxAttempts = 1 });
        var run = await client.Runs.CreateAsync("default", new CreateRunRequest("agent-logs"));
        var expected = new StringBuilder();
        await using var streamer = new LogStreamer(client.Logs, "default", run.Id);
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var line = $"before {i}\n";
                expected.Append(line);
                streamer.Append("std_log.txt", Encoding.UTF8.GetBytes(line));
            }
            using (var first = new CancellationTokenSource(TimeSpan.FromSeconds(30))) await streamer.FlushAsync(first.Token);

            await server.DisposeAsync();
            server = null;
            for (var i = 0; i < 20; i++)
            {
                var line = $"while down {i}\n";
                expected.Append(line);
                streamer.Append("std_log.txt", Encoding.UTF8.GetBytes(line));
                await Task.Delay(25);
            }
            // Let the streamer fail a few times against the closed port before the server returns.
            await Task.Delay(600);
            server = await LoomServer.StartAsync(options, CancellationToken.None);
            expected.Append("after\n");
            streamer.AppendLine("std_log.txt", "after");
            using (var second = new CancellationTokenSource(TimeSpan.FromSeconds(60))) await streamer.FlushAsync(second.Token);

            Assert.Equal(expected.ToString(), await ReadLogAsync(client, run.Id, "std_log.txt"));
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
        }
    }
}
