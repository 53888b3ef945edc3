using Loom.Contracts;
using Loom.TestKit;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Loom.Tests.Studio;

/// <summary>The compute page in Debian's Chromium: targets, their agents and queues, updating while the user watches.</summary>
public sealed class ComputePageBrowserTests : IDisposable
{
    private readonly TempDirectory _source = new("loom-studio-compute-browser");

    public void Dispose() => _source.Dispose();

    [Fact]
    public async Task Targets_show_their_nodes_queue_and_runs_and_follow_new_work_without_a_reload()
    {
        await using var server = await LoomTestServer.StartAsync();
        var client = server.Client;
        await client.Computes.CreateAsync("default", new CreateComputeRequest("cpu", ComputeTypes.Local, MinNodes: 0, MaxNodes: 2, IdleSeconds: 120,
            Description: "Agents started on the server's machine"));
        await client.Computes.CreateAsync("default", new CreateComputeRequest("gpu-pool", ComputeTypes.Attached, MaxNodes: 4, IdleSeconds: 300,
            Description: "Workstations that run loom agent"));
        File.WriteAllText(Path.Combine(_source.Path, "train.py"), "print('training')\n");
        var snapshot = (await client.Snapshots.CreateFromFolderAsync("default", _source.Path)).Id;
        var runs = new List<RunDto>();
        for (var i = 0; i < 3; i++)
            runs.Add(await client.Runs.SubmitAsync("default", new SubmitRunRequest("resnet", snapshot, "gpu-pool", Script: "train.py")));
        foreach (var host in new[] { "ws-ada", "ws-babbage" })
        {
            var agent = await client.Agents.RegisterAsync(new RegisterAgentRequest("default", "gpu-pool", host, Cores: 16, Gpus: 1));
            using var agentClient = server.NewClient(agent.Token);
            await agentClient.Agents.ClaimAsync(agent.Id, waitSeconds: 0);
        }

        await using var browser = await StudioBrowser.LaunchAsync();
        var page = await browser.SignInAsync(server.Url, server.AdminToken, "/computes");
        var pool = page.Locator(".loom-compute[data-compute=gpu-pool]");
        await Expect(pool.Locator(".loom-nodes tbody tr")).ToHaveCountAsync(2);
        await Expect(pool.Locator(".loom-nodes")).ToContainTextAsync(runs[0].Id);
        await Expect(pool.Locator(".loom-runs tbody tr")).ToHaveCountAsync(3);
        await Expect(pool.Locator(".loom-runs tr.loom-waiting")).ToContainTextAsync(runs[2].Id);
        await Expect(page.Locator(".loom-compute[data-compute=cpu]")).ToContainTextAsync("Nothing queued or running");
        await StudioBrowser.ScreenshotAsync(page, "computes");

        // New work shows up while the page stays open.
        var later = await client.Runs.SubmitAsync("default", new SubmitRunRequest("resnet", snapshot, "gpu-pool", Script: "train.py"));
        await client.Agents.RegisterAsync(new RegisterAgentRequest("default", "gpu-pool", "ws-curie"));
        await Expect(pool.Locator(".loom-runs")).ToContainTextAsync(later.Id);
        await Expect(pool.Locator(".loom-nodes")).ToContainTextAsync("ws-curie");
    }
}
