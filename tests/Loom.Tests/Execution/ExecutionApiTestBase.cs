using Loom.Client;
using Loom.Contracts;
using Loom.TestKit;
using Loom.Tests.Api;

namespace Loom.Tests.Execution;

/// <summary>Helpers for driving the agent protocol by hand: a snapshot to submit, targets, agents and their clients.</summary>
public abstract class ExecutionApiTestBase : ApiTestBase, IDisposable
{
    protected const string Workspace = "default";
    private readonly TempDirectory _source = new("loom-source");

    protected LoomClient Admin => Server.Client;

    /// <summary>Short leases, so a silent agent is lost within a few seconds.</summary>
    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Execution:LeaseSeconds"] = "4", ["Execution:HeartbeatSeconds"] = "1", ["Execution:TickSeconds"] = "0.5",
    };

    protected async Task<string> SnapshotAsync()
    {
        File.WriteAllText(Path.Combine(_source.Path, "train.py"), "print('hello')\n");
        Directory.CreateDirectory(Path.Combine(_source.Path, "pkg"));
        File.WriteAllText(Path.Combine(_source.Path, "pkg", "util.py"), "X = 1\n");
        return (await Admin.Snapshots.CreateFromFolderAsync(Workspace, _source.Path)).Id;
    }

    protected Task<ComputeDto> AttachedAsync(string name = "pool", int maxNodes = 2) =>
        Admin.Computes.CreateAsync(Workspace, new CreateComputeRequest(name, ComputeTypes.Attached, MaxNodes: maxNodes));

    protected async Task<(AgentRegisteredDto Agent, LoomClient Client)> RegisterAsync(string compute = "pool", string host = "node-a")
    {
        var agent = await Admin.Agents.RegisterAsync(new RegisterAgentRequest(Workspace, compute, host, Cores: 2));
        return (agent, Server.NewClient(agent.Token));
    }

    protected Task<RunDto> SubmitAsync(string snapshotId, string compute = "pool", int nodes = 1, string? script = "train.py", string? command = null) =>
        Admin.Runs.SubmitAsync(Workspace, new SubmitRunRequest("exp", snapshotId, compute, Script: script, Command: command,
            Arguments: ["--lr", "0.1"], NodeCount: nodes, Variables: new() { ["MY_FLAG"] = "on" }));

    protected Task<RunDto> RunAsync(string runId) => Admin.Runs.GetAsync(Workspace, runId);

    /// <summary>Waits (bounded) until the run reaches <paramref name="status"/>.</summary>
    protected async Task<RunDto> WaitForAsync(string runId, RunStatus status, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var run = await RunAsync(runId);
            if (run.Status == status) return run;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Run {runId} is {run.Status}, not {status}, after {seconds} s.");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        _source.Dispose();
        GC.SuppressFinalize(this);
    }
}
