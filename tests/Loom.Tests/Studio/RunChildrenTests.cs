using Bunit;
using Loom.Contracts;
using Loom.Core.Tracking;
using Loom.Studio.Components.Pages.Runs;
using Loom.Studio.Session;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Tests.Studio;

/// <summary>The run page's child-run tab: the whole tree in one read, capped with a note.</summary>
public sealed class RunChildrenTests : StudioComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task The_tree_is_read_in_one_call_and_a_capped_tree_says_how_much_it_shows()
    {
        var store = HookRunStore();
        var root = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("tree", DisplayName: "pipeline"));
        var train = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest(null, ParentRunId: root.Id, DisplayName: "train"));
        await Server.Client.Runs.CreateAsync("default", new CreateRunRequest(null, ParentRunId: root.Id, DisplayName: "score"));
        foreach (var fold in new[] { "fold-0", "fold-1", "fold-2" })
            await Server.Client.Runs.CreateAsync("default", new CreateRunRequest(null, ParentRunId: train.Id, DisplayName: fold));
        var workspace = await Context.Services.GetRequiredService<StudioSession>().WorkspaceAsync(CancellationToken.None);
        var run = await Server.Services.GetRequiredService<RunService>().GetAsync(workspace.Id, root.Id, CancellationToken.None);

        var tab = Context.Render<RunChildren>(p => p.Add(c => c.Run, run).Add(c => c.Workspace, workspace).Add(c => c.MaxRuns, 3));
        await tab.WaitForAssertionAsync(() => Assert.Equal(3, tab.FindAll("[data-run]").Count), Wait);
        Assert.Equal(["train", "fold-0", "fold-1"], tab.FindAll("[data-run] a").Select(a => a.TextContent));
        Assert.Contains("Showing 3 of 5 runs", tab.Find("[data-testid=tree-truncated]").TextContent);
        Assert.Equal([$"tree:{root.Id}"], store.TreeReads);
    }
}
