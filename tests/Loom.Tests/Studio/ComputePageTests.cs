using Bunit;
using Loom.Contracts;
using Loom.Studio.Components.Pages.Computes;
using Loom.TestKit;

namespace Loom.Tests.Studio;

/// <summary>The compute page: targets with their nodes, queue and runs, read from a real server and kept live.</summary>
public sealed class ComputePageTests : StudioComponentTest, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly TempDirectory _source = new("loom-studio-compute");

    public void Dispose() => _source.Dispose();

    private async Task<string> SnapshotAsync()
    {
        File.WriteAllText(Path.Combine(_source.Path, "train.py"), "print('hello')\n");
        return (await Server.Client.Snapshots.CreateFromFolderAsync("default", _source.Path)).Id;
    }

    private async Task<RunDto> SubmitAsync(string snapshot, string compute = "pool") =>
        await Server.Client.Runs.SubmitAsync("default", new SubmitRunRequest("studio-compute", snapshot, compute, Script: "train.py"));

    [Fact]
    public async Task A_workspace_without_targets_says_how_to_create_one()
    {
        var page = Context.Render<ComputeList>();
        await page.WaitForAssertionAsync(() => Assert.Contains("No compute targets yet", page.Markup), Wait);
        Assert.Contains("./loom compute create local --type local --max-nodes 2", page.Markup);
    }

    [Fact]
    public async Task A_target_shows_its_busy_node_with_the_run_it_runs_and_the_queue_behind_it()
    {
        await Server.Client.Computes.CreateAsync("default", new CreateComputeRequest("pool", ComputeTypes.Attached, MaxNodes: 2, IdleSeconds: 60,
            Description: "GPU boxes"));
        await Server.Client.Computes.CreateAsync("default", new CreateComputeRequest("local", ComputeTypes.Local, MaxNodes: 2));
        var snapshot = await SnapshotAsync();
        var running = await SubmitAsync(snapshot);
        var queued = await SubmitAsync(snapshot);
        var agent = await Server.Client.Agents.RegisterAsync(new RegisterAgentRequest("default", "pool", "node-a", Cores: 4));
        using (var agentClient = Server.NewClient(agent.Token))
            Assert.Equal(running.Id, (await agentClient.Agents.ClaimAsync(agent.Id, waitSeconds: 0))!.RunId);

        var page = Context.Render<ComputeList>();
        await page.WaitForAssertionAsync(() => Assert.Equal(2, page.FindAll(".loom-compute").Count), Wait);
        var pool = page.Find(".loom-compute[data-compute=pool]");
        Assert.Contains("GPU boxes", pool.TextContent);
        Assert.Contains("attached", pool.TextContent);
        var node = pool.QuerySelector(".loom-nodes tbody tr")!;
        Assert.Contains("node-a", node.TextContent);
        Assert.Contains(NodeStates.Busy, node.TextContent);
        Assert.Equal($"/runs/{running.Id}", node.QuerySelector("a")!.GetAttribute("href"));

        var runs = pool.QuerySelectorAll(".loom-runs tbody tr").ToList();
        Assert.Equal([running.Id, queued.Id], runs.Select(r => r.QuerySelector("a")!.TextContent));
        Assert.Contains("loom-running", runs[0].ClassName);
        Assert.Contains("loom-waiting", runs[1].ClassName);
        Assert.Contains("Queued", runs[1].TextContent);
        Assert.Equal("1", pool.QuerySelectorAll(".loom-figure").Single(f => f.TextContent.Contains("Queue")).QuerySelector(".loom-figure-value")!.TextContent);

        var local = page.Find(".loom-compute[data-compute=local]");
        Assert.Contains("the server starts agents here when runs queue up", local.TextContent);
        Assert.Contains("Nothing queued or running", local.TextContent);
    }

    [Fact]
    public async Task The_page_shows_new_runs_and_nodes_without_a_reload()
    {
        await Server.Client.Computes.CreateAsync("default", new CreateComputeRequest("pool", ComputeTypes.Attached, MaxNodes: 2));
        var page = Context.Render<ComputeList>();
        await page.WaitForAssertionAsync(() => Assert.Contains("Nothing queued or running", page.Markup), Wait);
        Assert.Contains("./loom agent --compute pool", page.Markup);

        var run = await SubmitAsync(await SnapshotAsync());
        await Server.Client.Agents.RegisterAsync(new RegisterAgentRequest("default", "pool", "node-b"));

        await page.WaitForAssertionAsync(() =>
        {
            Assert.Contains(run.Id, page.Find(".loom-runs").TextContent);
            Assert.Contains("node-b", page.Find(".loom-nodes").TextContent);
        }, Wait);
    }
}
