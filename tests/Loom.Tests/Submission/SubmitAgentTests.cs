using System.Text;
using System.Text.Json;
using Loom.Contracts;
using Loom.TestKit;
using Loom.Tests.Agent;

namespace Loom.Tests.Submission;

/// <summary>
/// <c>loom run submit --stream | --wait</c> against a real server with a real <c>loom agent</c> process serving an
/// <c>attached</c> compute target, so the runs do complete (or fail) and the exit codes follow them. Each test stops its
/// agent (SIGTERM, so it leaves the target) before the server stops, which would otherwise wait out the agent's long poll.
/// </summary>
public sealed class SubmitAgentTests : CliTestBase
{
    private readonly TempDirectory _work = new("loom-submit-agent");

    public override void Dispose()
    {
        _work.Dispose();
        base.Dispose();
    }

    /// <summary>An attached compute target <c>cpu</c> with one agent that runs jobs with Debian's Python.</summary>
    private async Task<AgentProcess> StartAgentAsync()
    {
        await Server.Client.Computes.CreateAsync("default", new CreateComputeRequest("cpu", "attached", MaxNodes: 1));
        return AgentProcess.Start(Server, Home.Path, "cpu", _work.Combine("agent-cache"));
    }

    private string Source(string script, string text)
    {
        var folder = _work.Combine("proj");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, script), text);
        return folder;
    }

    [Fact]
    public async Task Stream_prints_the_main_log_and_status_changes_and_exits_0_when_the_run_completes()
    {
        await using var agent = await StartAgentAsync();
        var source = Source("train.py", "import sys\nprint('args', sys.argv[1:])\nfor epoch in range(3):\n    print('epoch', epoch, flush=True)\n");
        var result = await Cli.RunAsync("run", "submit", "--source-dir", source, "--script", "train.py", "--arguments", "--c", "0.5",
            "--compute", "cpu", "-e", "iris", "--stream");
        Assert.True(result.ExitCode == 0, $"{result}\nagent: {agent.Stderr}");
        Assert.Contains("args ['--c', '0.5']", result.Stdout);
        Assert.Contains("epoch 2", result.Stdout);
        Assert.Contains("finished: Completed", result.Stderr);
    }

    [Fact]
    public async Task Wait_exits_1_when_the_run_fails_and_the_json_has_the_final_status()
    {
        await using var agent = await StartAgentAsync();
        var source = Source("fail.py", "import sys\nprint('giving up')\nsys.exit(3)\n");
        var result = await Cli.RunAsync("run", "submit", "--source-dir", source, "--script", "fail.py", "--compute", "cpu", "-e", "iris",
            "--wait", "-o", "json");
        Assert.True(result.ExitCode == 1, $"{result}\nagent: {agent.Stderr}");
        var run = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("Failed", run.GetProperty("status").GetString());
        Assert.Contains("exit code 3", result.Stderr);
        Assert.DoesNotContain("giving up", result.Stdout + result.Stderr);
        Assert.Contains("giving up", Encoding.UTF8.GetString(
            (await Server.Client.Logs.ReadAsync("default", run.GetProperty("id").GetString()!, "std_log.txt")).Data));
    }

    [Fact]
    public async Task A_streamed_run_with_several_processes_follows_rank_0_and_keeps_stdout_for_the_json()
    {
        await using var agent = await StartAgentAsync();
        var source = Source("dist.py", "import os\nprint('rank', os.environ['RANK'], 'of', os.environ['WORLD_SIZE'], flush=True)\n");
        var result = await Cli.RunAsync("run", "submit", "--source-dir", source, "--script", "dist.py", "--compute", "cpu", "-e", "dist",
            "--process-count-per-node", "2", "--distribution", "pytorch", "--stream", "--output", "json");
        Assert.True(result.ExitCode == 0, $"{result}\nagent: {agent.Stderr}");
        var run = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.Contains("rank 0 of 2", result.Stderr);
        Assert.DoesNotContain("rank 1", result.Stderr);
        var logs = await Server.Client.Logs.ListAsync("default", run.GetProperty("id").GetString()!);
        Assert.Contains(logs, l => l.File == "std_log_process_1.txt");
    }
}
