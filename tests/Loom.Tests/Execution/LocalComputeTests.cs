using Loom.Client;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Execution;

/// <summary>
/// Runs on a local compute target end to end: the server's provisioner starts real <c>loom agent</c> processes,
/// which run real Python (Debian's) and report back. SQLite only: the provider is not what these prove.
/// </summary>
public sealed class LocalComputeTests : IAsyncLifetime, IDisposable
{
    private const string Workspace = "default";
    private readonly TempDirectory _source = new("loom-local-source");
    private LoomTestServer _server = null!;

    private LoomClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await LoomTestServer.StartAsync(settings: new Dictionary<string, string?>
    {
        ["Execution:LeaseSeconds"] = "6", ["Execution:HeartbeatSeconds"] = "1", ["Execution:TickSeconds"] = "0.5",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _source.Dispose();

    [Fact]
    public async Task Four_queued_runs_scale_a_two_node_target_to_two_agents_and_back_to_zero_after_idle()
    {
        await Client.Computes.CreateAsync(Workspace, new CreateComputeRequest("cpu", ComputeTypes.Local, MinNodes: 0, MaxNodes: 2, IdleSeconds: 2));
        var snapshot = await SnapshotAsync(("work.py", "import time, os\nprint('start', os.environ['LOOM_RUN_ID'], flush=True)\ntime.sleep(2)\nprint('done')\n"));
        var runs = new List<string>();
        for (var i = 0; i < 4; i++)
            runs.Add((await Client.Runs.SubmitAsync(Workspace, new SubmitRunRequest("scale", snapshot, "cpu", Script: "work.py"))).Id);

        var mostNodes = 0;
        var agentsSeen = new HashSet<string>();
        await WaitUntil(TimeSpan.FromSeconds(120), async () =>
        {
            var compute = await Client.Computes.GetAsync(Workspace, "cpu");
            mostNodes = Math.Max(mostNodes, compute.Nodes.Count(n => n.State != NodeStates.Lost));
            foreach (var node in compute.Nodes) agentsSeen.Add(node.Id);
            var statuses = await Task.WhenAll(runs.Select(id => Client.Runs.GetAsync(Workspace, id)));
            return statuses.All(r => r.Status.IsTerminal());
        }, "the four runs to end");
        foreach (var id in runs)
        {
            var run = await Client.Runs.GetAsync(Workspace, id);
            Assert.True(run.Status == RunStatus.Completed, $"{id}: {run.Status} {run.Error}");
        }
        Assert.Equal(2, mostNodes);
        Assert.Equal(2, agentsSeen.Count);
        // Idle for 2 s, both agents retire and exit: the target is back to no nodes.
        await WaitUntil(TimeSpan.FromSeconds(60), async () => (await Client.Computes.GetAsync(Workspace, "cpu")).Nodes.Count == 0, "the agents to retire");
    }

    [Fact]
    public async Task A_target_keeps_its_min_nodes_running_with_nothing_queued()
    {
        await Client.Computes.CreateAsync(Workspace, new CreateComputeRequest("warm", ComputeTypes.Local, MinNodes: 1, MaxNodes: 3, IdleSeconds: 0));
        await WaitUntil(TimeSpan.FromSeconds(60), async () =>
            (await Client.Computes.GetAsync(Workspace, "warm")).Nodes.SingleOrDefault()?.State == NodeStates.Idle, "the warm node to be idle");
        // Idle for longer than idleSeconds, the node stays: it is the target's minimum.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var compute = await Client.Computes.GetAsync(Workspace, "warm");
        Assert.Equal(NodeStates.Idle, Assert.Single(compute.Nodes).State);
    }

    [Fact]
    public async Task A_two_node_two_process_run_sees_ranks_zero_to_three_in_separate_logs()
    {
        await Client.Computes.CreateAsync(Workspace, new CreateComputeRequest("pair", ComputeTypes.Local, MaxNodes: 2, IdleSeconds: 30));
        var snapshot = await SnapshotAsync(("ranks.py",
            "import os\nkeys = ['WORLD_SIZE', 'RANK', 'LOCAL_RANK', 'NODE_RANK', 'MASTER_ADDR', 'MASTER_PORT']\n" +
            "print(' '.join(k + '=' + os.environ[k] for k in keys))\n"));
        var run = await Client.Runs.SubmitAsync(Workspace, new SubmitRunRequest("ranks", snapshot, "pair", Script: "ranks.py",
            NodeCount: 2, ProcessCountPerNode: 2, Distribution: Distributions.PyTorch));
        var done = await WaitForEndAsync(run.Id, TimeSpan.FromSeconds(120));
        Assert.True(done.Status == RunStatus.Completed, $"{done.Status} {done.Error}");
        var job = await Client.Runs.GetJobAsync(Workspace, run.Id);
        Assert.Equal(2, job.Nodes.Select(n => n.AgentId).Distinct().Count());
        var ports = new HashSet<string>();
        for (var rank = 0; rank < 4; rank++)
        {
            var text = System.Text.Encoding.UTF8.GetString((await Client.Logs.ReadAsync(Workspace, run.Id, $"std_log_process_{rank}.txt")).Data.ToArray());
            Assert.Contains($"WORLD_SIZE=4 RANK={rank} LOCAL_RANK={rank % 2} NODE_RANK={rank / 2}", text);
            ports.Add(text.Split("MASTER_PORT=")[1].Trim());
        }
        Assert.Single(ports);
    }

    [Fact]
    public async Task Two_concurrent_runs_needing_a_new_environment_build_it_once()
    {
        await Client.Computes.CreateAsync(Workspace, new CreateComputeRequest("duo", ComputeTypes.Local, MaxNodes: 2, IdleSeconds: 30));
        // Debian's python3-numpy satisfies the requirement inside a venv that sees the system's packages: no index needed.
        var environment = await Client.Environments.CreateAsync(Workspace, new CreateEnvironmentRequest("numpy-env",
            Python: new PythonSpec("/usr/bin/python3", ["numpy"], new PipOptions(NoIndex: true), SystemSitePackages: true)));
        var snapshot = await SnapshotAsync(("np.py", "import numpy, sys\nprint('numpy', numpy.__version__, 'in', sys.prefix)\n"));
        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Client.Runs.SubmitAsync(Workspace,
            new SubmitRunRequest("envs", snapshot, "duo", Script: "np.py", Environment: $"numpy-env:{environment.Version}"))));
        var built = 0;
        foreach (var run in runs)
        {
            var done = await WaitForEndAsync(run.Id, TimeSpan.FromSeconds(180));
            Assert.True(done.Status == RunStatus.Completed, $"{done.Status} {done.Error}");
            var logs = (await Client.Logs.ListAsync(Workspace, run.Id)).Select(l => l.File).ToList();
            if (logs.Contains("environment_build_log.txt")) built++;
            var output = System.Text.Encoding.UTF8.GetString((await Client.Logs.ReadAsync(Workspace, run.Id, "std_log.txt")).Data);
            Assert.Contains(environment.Hash, output);
        }
        Assert.Equal(1, built);
        Assert.Equal(2, (await Client.Runs.GetJobAsync(Workspace, runs[0].Id)).Nodes.Count + (await Client.Runs.GetJobAsync(Workspace, runs[1].Id)).Nodes.Count);
    }

    [Fact]
    public async Task Killing_an_agent_mid_run_fails_its_run_as_agent_lost()
    {
        await Client.Computes.CreateAsync(Workspace, new CreateComputeRequest("doomed", ComputeTypes.Local, MaxNodes: 1, IdleSeconds: 30));
        var snapshot = await SnapshotAsync(("long.py", "import time\nprint('working', flush=True)\ntime.sleep(20)\n"));
        var run = await Client.Runs.SubmitAsync(Workspace, new SubmitRunRequest("doomed", snapshot, "doomed", Script: "long.py"));
        await WaitUntil(TimeSpan.FromSeconds(60), async () => (await Client.Runs.GetAsync(Workspace, run.Id)).Status == RunStatus.Running, "the run to start");
        using (var kill = System.Diagnostics.Process.Start("pkill", ["-KILL", "-f", "agent --compute doomed"]))
            await kill.WaitForExitAsync();
        var failed = await WaitForEndAsync(run.Id, TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.StartsWith("agent lost", failed.Error);
    }

    private async Task<string> SnapshotAsync(params (string Path, string Text)[] files)
    {
        foreach (var (path, text) in files) File.WriteAllText(Path.Combine(_source.Path, path), text);
        return (await Client.Snapshots.CreateFromFolderAsync(Workspace, _source.Path)).Id;
    }

    private async Task<RunDto> WaitForEndAsync(string runId, TimeSpan timeout)
    {
        RunDto run = null!;
        await WaitUntil(timeout, async () => (run = await Client.Runs.GetAsync(Workspace, runId)).Status.IsTerminal(), $"run {runId} to end");
        return run;
    }

    private static async Task WaitUntil(TimeSpan timeout, Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what}.");
            await Task.Delay(200);
        }
    }
}
