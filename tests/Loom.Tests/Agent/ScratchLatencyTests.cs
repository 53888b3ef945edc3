using System.Diagnostics;
using Loom.Contracts;

namespace Loom.Tests.Agent;

public sealed class ScratchLatencyTests(AgentFixture fixture) : IClassFixture<AgentFixture>
{
    [Fact]
    public async Task Measure()
    {
        var lines = new List<string>();
        using var source = new Loom.TestKit.TempDirectory("lat");
        File.WriteAllText(Path.Combine(source.Path, "hello.py"), "print('first line')\nimport time; time.sleep(1)\n");
        var snapshot = await fixture.Client.Snapshots.CreateFromFolderAsync("default", source.Path);
        for (var i = 0; i < 6; i++)
        {
            var sw = Stopwatch.StartNew();
            var run = await fixture.Client.Runs.SubmitAsync("default", new SubmitRunRequest("lat", snapshot.Id, "cpu", Script: "hello.py"));
            var submitted = sw.ElapsedMilliseconds;
            while ((await fixture.LogAsync(run.Id, "std_log.txt")).Length == 0) await Task.Delay(5);
            var first = sw.ElapsedMilliseconds;
            await fixture.WaitForEndAsync(run.Id);
            var agentLog = await fixture.LogAsync(run.Id, "agent_log.txt");
            lines.Add($"submit {submitted} ms, first line {first} ms, end {sw.ElapsedMilliseconds} ms\n{agentLog}");
        }
        File.WriteAllLines("/tmp/latency.txt", lines);
    }
}
