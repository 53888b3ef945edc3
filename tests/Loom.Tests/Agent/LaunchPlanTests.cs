using System.Text;
using Loom.Agent.Environments;
using Loom.Agent.Execution;
using Loom.Agent.Processes;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Agent;

/// <summary>What a node starts, and with which variables.</summary>
public sealed class LaunchPlanTests
{
    private static readonly EnvironmentDto System = new("system", 1, "h", null, new Dictionary<string, string>(), new PythonSpec("agent"), null,
        new Dictionary<string, string>(), DateTimeOffset.UtcNow);

    private static JobDto Job(string? script = "train.py", string? command = null, IReadOnlyList<string>? args = null, int nodes = 1, int perNode = 1,
        int nodeRank = 0, string? distribution = null) =>
        new("run1", "ws", "exp", "run-token", "snap", System, script, command, args ?? [], new Dictionary<string, string> { ["MY_VAR"] = "mine" },
            null, distribution, nodes, perNode, nodeRank, "10.0.0.5", 29500);

    private static string? Inherited(string name) => name switch
    {
        "PATH" => "/usr/bin:/bin",
        "PYTHONPATH" => "/existing",
        _ => null,
    };

    [Fact]
    public void A_single_process_runs_the_script_with_the_run_variables_and_without_the_agent_credentials()
    {
        var environment = new PreparedEnvironment("/venv/bin/python", "/venv", Reused: true, TimeSpan.Zero);
        var variables = JobVariables.ForJob(Job(), new Uri("http://server:8765/"), environment, "/agent/python", Inherited);
        var launch = Assert.Single(LaunchPlan.Create(Job(args: ["--lr", "0.1"]), environment.Python, variables, mpirunAvailable: false));

        Assert.Equal(["/venv/bin/python", "train.py", "--lr", "0.1"], launch.Command);
        Assert.Equal("std_log.txt", launch.LogFile);
        var v = launch.Variables;
        Assert.Equal("http://server:8765", v["LOOM_TRACKING_URI"]);
        Assert.Equal(("ws", "exp", "run1", "run-token"), (v["LOOM_WORKSPACE"], v["LOOM_EXPERIMENT"], v["LOOM_RUN_ID"], v["LOOM_RUN_TOKEN"]));
        Assert.Equal(("run1", "run-token", "ws", "exp"), (v["AZUREML_RUN_ID"], v["AZUREML_RUN_TOKEN"], v["AZUREML_ARM_WORKSPACE_NAME"], v["AZUREML_EXPERIMENT_NAME"]));
        Assert.Equal("1", v["PYTHONUNBUFFERED"]);
        Assert.Equal("/agent/python:/existing", v["PYTHONPATH"]);
        Assert.Equal("/venv/bin:/usr/bin:/bin", v["PATH"]);
        Assert.Equal("/venv", v["VIRTUAL_ENV"]);
        Assert.Equal("mine", v["MY_VAR"]);
        foreach (var secret in new[] { "LOOM_TOKEN", "LOOM_AGENT_TOKEN", "LOOM_AGENT_ID" })
        {
            Assert.True(v.ContainsKey(secret));
            Assert.Null(v[secret]);
        }
        Assert.False(v.ContainsKey("RANK"));
    }

    [Fact]
    public void A_distributed_node_starts_one_process_per_local_rank_with_its_own_log()
    {
        var job = Job(nodes: 2, perNode: 2, nodeRank: 1, distribution: "pytorch");
        var launches = LaunchPlan.Create(job, "python3", new Dictionary<string, string?>(), mpirunAvailable: false);

        Assert.Equal([2, 3], launches.Select(l => l.Rank));
        Assert.Equal(["std_log_process_2.txt", "std_log_process_3.txt"], launches.Select(l => l.LogFile));
        var second = launches[1].Variables;
        Assert.Equal(("4", "3", "1", "2", "1"), (second["WORLD_SIZE"], second["RANK"], second["LOCAL_RANK"], second["LOCAL_WORLD_SIZE"], second["NODE_RANK"]));
        Assert.Equal(("10.0.0.5", "29500"), (second["MASTER_ADDR"], second["MASTER_PORT"]));
        Assert.False(second.ContainsKey("OMPI_COMM_WORLD_RANK"));
    }

    [Fact]
    public void Mpi_runs_mpirun_once_per_node_when_installed_and_else_sets_open_mpis_variables()
    {
        var job = Job(command: "python train.py", script: null, nodes: 1, perNode: 2, distribution: "mpi");
        var mpirun = Assert.Single(LaunchPlan.Create(job, "python3", new Dictionary<string, string?>(), mpirunAvailable: true));
        Assert.Equal(["mpirun", "-np", "2", "--oversubscribe", "--allow-run-as-root", "/bin/sh", "-c", "python train.py"], mpirun.Command);
        Assert.Equal("std_log_process_0.txt", mpirun.LogFile);
        Assert.False(mpirun.Variables.ContainsKey("RANK"));

        var fallback = LaunchPlan.Create(job, "python3", new Dictionary<string, string?>(), mpirunAvailable: false);
        Assert.Equal(2, fallback.Count);
        Assert.Equal(("1", "2", "1"), (fallback[1].Variables["OMPI_COMM_WORLD_RANK"], fallback[1].Variables["OMPI_COMM_WORLD_SIZE"],
            fallback[1].Variables["OMPI_COMM_WORLD_LOCAL_RANK"]));
    }

    [Fact]
    public async Task Command_arguments_reach_the_shell_as_they_were_given()
    {
        string[] args = ["a b", "it's", "$HOME", "*", "", "tab\there"];
        var launch = Assert.Single(LaunchPlan.Create(Job(script: null, command: "printf '[%s]\\n'", args: args), "python3",
            new Dictionary<string, string?>(), mpirunAvailable: false));
        using var folder = new TempDirectory("loom-quote");
        var output = new StringBuilder();
        using var tree = ProcessTree.Start(launch.Command, folder.Path, launch.Variables, data => { lock (output) output.Append(Encoding.UTF8.GetString(data.Span)); });
        Assert.Equal(0, await tree.Exited.WaitAsync(TimeSpan.FromSeconds(30)));
        await tree.WaitForOutputAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(string.Concat(args.Select(a => $"[{a}]\n")), output.ToString());
    }
}
