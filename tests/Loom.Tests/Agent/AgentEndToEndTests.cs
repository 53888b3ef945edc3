using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Loom.Contracts;

namespace Loom.Tests.Agent;

/// <summary>Runs submitted through the API and executed by a real <c>loom agent</c> process.</summary>
public sealed partial class AgentEndToEndTests(AgentFixture fixture) : IClassFixture<AgentFixture>
{
    private const string TrainScript = """
        import os, sys
        from azureml.core import Run

        run = Run.get_context()
        print("hello from", os.environ["LOOM_RUN_ID"], flush=True)
        print("to stderr", file=sys.stderr, flush=True)
        print("user token:", os.environ.get("LOOM_TOKEN", "none"), "agent token:", os.environ.get("LOOM_AGENT_TOKEN", "none"))
        print("args", sys.argv[1:])
        run.log("accuracy", 0.93)
        os.makedirs("outputs/sub", exist_ok=True)
        with open("outputs/x.txt", "w") as f:
            f.write("result")
        with open("outputs/sub/y.txt", "w") as f:
            f.write("nested")
        with open("logs/extra.txt", "w") as f:
            f.write("extra log")
        run.flush()
        """;

    [Fact]
    public async Task A_script_prints_logs_a_metric_and_writes_outputs_then_completes()
    {
        var submitted = await fixture.SubmitAsync(new Dictionary<string, string> { ["train.py"] = TrainScript },
            new SubmitRunRequest("agent-e2e", null, null, Script: "train.py", Arguments: ["--lr", "0.1"]));
        Assert.Equal(RunStatus.Queued, submitted.Status);

        var run = await fixture.WaitForEndAsync(submitted.Id);

        var stdLog = await fixture.LogAsync(run.Id, "std_log.txt");
        Assert.True(run.Status == RunStatus.Completed, $"{run.Status} {run.Error}\n{stdLog}\n{fixture.Agent.Stderr}");
        Assert.Contains($"hello from {run.Id}", stdLog);
        Assert.Contains("to stderr", stdLog);
        Assert.Contains("user token: none agent token: none", stdLog);
        Assert.Contains("args ['--lr', '0.1']", stdLog);
        Assert.Equal(0.93, (await fixture.Client.Metrics.GetLatestAsync("default", run.Id))["accuracy"].Value.GetDouble());

        var artifacts = await fixture.Client.Artifacts.ListAsync("default", run.Id);
        Assert.Contains(artifacts, a => a.Path == "outputs/x.txt");
        Assert.Contains(artifacts, a => a.Path == "outputs/sub/y.txt");
        Assert.Contains(artifacts, a => a.Path == "logs/extra.txt");
        using var x = new MemoryStream();
        await fixture.Client.Artifacts.DownloadAsync("default", run.Id, "outputs/x.txt", x);
        Assert.Equal("result", Encoding.UTF8.GetString(x.ToArray()));

        var agentLog = await fixture.LogAsync(run.Id, "agent_log.txt");
        Assert.Contains("claimed by agent", agentLog);
        Assert.Contains("train.py --lr 0.1", agentLog);
        Assert.Contains("exit code 0", agentLog);
        Assert.Contains("outputs uploaded: 2 files", agentLog);
        Assert.Equal([RunStatus.Queued, RunStatus.Preparing, RunStatus.Running, RunStatus.Finalizing, RunStatus.Completed],
            run.StatusHistory.Select(s => s.Status).SkipWhile(s => s != RunStatus.Queued));
        Assert.Contains($"run {run.Id}: Completed", fixture.Agent.Stderr);
    }

    [Fact]
    public async Task A_nonzero_exit_code_fails_the_run()
    {
        var submitted = await fixture.SubmitAsync(new Dictionary<string, string> { ["readme.txt"] = "x" },
            new SubmitRunRequest("agent-e2e", null, null, Command: "echo failing; exit 3"));
        var run = await fixture.WaitForEndAsync(submitted.Id);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("exit code 3", run.Error);
        Assert.Equal("failing\n", await fixture.LogAsync(run.Id, "std_log.txt"));
        Assert.Contains("exit code 3", await fixture.LogAsync(run.Id, "agent_log.txt"));
    }

    [Fact]
    public async Task Cancel_stops_the_whole_process_tree()
    {
        const string script = """
            import os, subprocess, time
            child = subprocess.Popen(["sleep", "300"])
            with open("outputs/partial.txt", "w") as f:
                f.write("so far")
            print("pids", os.getpid(), child.pid, flush=True)
            time.sleep(300)
            """;
        var submitted = await fixture.SubmitAsync(new Dictionary<string, string> { ["wait.py"] = script },
            new SubmitRunRequest("agent-e2e", null, null, Script: "wait.py"));
        var log = await fixture.WaitForLogAsync(submitted.Id, "std_log.txt", "pids");
        var pids = PidsPattern().Match(log).Groups.Values.Skip(1).Select(g => int.Parse(g.Value, CultureInfo.InvariantCulture)).ToList();
        Assert.All(pids, pid => Assert.True(AgentTestTools.IsLive(pid)));

        await fixture.Client.Runs.CancelAsync("default", submitted.Id);
        var run = await fixture.WaitForEndAsync(submitted.Id);

        Assert.Equal(RunStatus.Canceled, run.Status);
        Assert.All(pids, pid => Assert.False(AgentTestTools.IsLive(pid), $"process {pid} outlived the cancel"));
        Assert.Contains("cancel requested", await fixture.LogAsync(run.Id, "agent_log.txt"));
        Assert.Contains(await fixture.Client.Artifacts.ListAsync("default", run.Id), a => a.Path == "outputs/partial.txt");
    }

    [Fact]
    public async Task While_a_run_goes_on_its_logs_folder_and_system_metrics_are_recorded()
    {
        const string script = """
            import time
            with open("logs/progress.txt", "w") as f:
                f.write("epoch 1")
            print("waiting", flush=True)
            time.sleep(300)
            """;
        var submitted = await fixture.SubmitAsync(new Dictionary<string, string> { ["long.py"] = script },
            new SubmitRunRequest("agent-e2e", null, null, Script: "long.py"));
        await fixture.WaitForLogAsync(submitted.Id, "std_log.txt", "waiting");

        Assert.True(await AgentTestTools.EventuallyAsync(async () =>
            (await fixture.Client.Artifacts.ListAsync("default", submitted.Id)).Any(a => a.Path == "logs/progress.txt"), TimeSpan.FromSeconds(30)));
        Assert.True(await AgentTestTools.EventuallyAsync(async () =>
        {
            var metrics = await fixture.Client.Metrics.GetLatestAsync("default", submitted.Id);
            return metrics.ContainsKey("system/cpu_utilization_percentage") && metrics.ContainsKey("system/system_memory_usage_megabytes");
        }, TimeSpan.FromSeconds(30)));
        Assert.Equal(RunStatus.Running, (await fixture.Client.Runs.GetAsync("default", submitted.Id)).Status);
        var memory = (await fixture.Client.Metrics.GetLatestAsync("default", submitted.Id))["system/system_memory_usage_megabytes"].Value.GetDouble();
        Assert.InRange(memory, 1, 1 << 30);

        await fixture.Client.Runs.CancelAsync("default", submitted.Id);
        Assert.Equal(RunStatus.Canceled, (await fixture.WaitForEndAsync(submitted.Id)).Status);
    }

    [Fact]
    public async Task Max_duration_fails_the_run()
    {
        var submitted = await fixture.SubmitAsync(new Dictionary<string, string> { ["readme.txt"] = "x" },
            new SubmitRunRequest("agent-e2e", null, null, Command: "echo started; sleep 300", MaxDurationSeconds: 2));
        var run = await fixture.WaitForEndAsync(submitted.Id);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("exceeded max duration of 2s", run.Error);
        Assert.Equal("started\n", await fixture.LogAsync(run.Id, "std_log.txt"));
        Assert.Contains("max duration of 2s exceeded", await fixture.LogAsync(run.Id, "agent_log.txt"));
    }

    [Fact]
    public async Task Two_processes_on_one_node_see_their_ranks_in_separate_logs()
    {
        var submitted = await fixture.SubmitAsync(new Dictionary<string, string> { ["readme.txt"] = "x" },
            new SubmitRunRequest("agent-e2e", null, null, Command: "echo \"rank $RANK of $WORLD_SIZE local $LOCAL_RANK node $NODE_RANK master $MASTER_ADDR:$MASTER_PORT\"",
                NodeCount: 1, ProcessCountPerNode: 2, Distribution: "pytorch"));
        var run = await fixture.WaitForEndAsync(submitted.Id);
        Assert.True(run.Status == RunStatus.Completed, $"{run.Status} {run.Error}");
        var first = await fixture.LogAsync(run.Id, "std_log_process_0.txt");
        var second = await fixture.LogAsync(run.Id, "std_log_process_1.txt");
        Assert.StartsWith("rank 0 of 2 local 0 node 0 master ", first);
        Assert.StartsWith("rank 1 of 2 local 1 node 0 master ", second);
        Assert.Equal("", await fixture.LogAsync(run.Id, "std_log.txt"));
    }

    [GeneratedRegex(@"pids (\d+) (\d+)")]
    private static partial Regex PidsPattern();
}
