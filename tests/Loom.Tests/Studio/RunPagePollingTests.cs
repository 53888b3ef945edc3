using Bunit;
using Loom.Contracts;
using Loom.Studio.Components.Pages.Runs;

namespace Loom.Tests.Studio;

/// <summary>How the run page follows a live run: through faults, across a change of run, and until it goes away.</summary>
public sealed class RunPagePollingTests : StudioComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static string StatusOf(IRenderedComponent<RunPage> page) => page.Find(".loom-status").GetAttribute("data-status")!;

    [Fact]
    public async Task A_fault_that_is_not_looms_pauses_updates_then_the_page_recovers_and_goes_away_cleanly()
    {
        var store = HookRunStore();
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("faults"));
        var failing = 0;
        store.BeforeRead = (_, _) => Volatile.Read(ref failing) == 1 ? throw new IOException("the disk went away") : Task.CompletedTask;
        var page = Context.Render<RunPage>(p => p.Add(c => c.RunId, run.Id));
        await page.WaitForAssertionAsync(() => Assert.Equal("Running", StatusOf(page)), Wait);

        Volatile.Write(ref failing, 1);
        await page.WaitForAssertionAsync(() => Assert.Contains("Updates paused", page.Find("[data-testid=updates-paused]").TextContent), Wait);
        Assert.Contains("IOException", page.Find("[data-testid=updates-paused]").TextContent);
        // The server's own message stays in the server log, not on the page.
        Assert.DoesNotContain("the disk went away", page.Markup);

        Volatile.Write(ref failing, 0);
        await Server.Client.Runs.UpdateAsync("default", run.Id, new UpdateRunRequest(Status: RunStatus.Completed));
        await page.WaitForAssertionAsync(() => Assert.Equal("Completed", StatusOf(page)), Wait);
        Assert.Empty(page.FindAll("[data-testid=updates-paused]"));
    }

    [Fact]
    public async Task A_page_whose_poll_keeps_failing_goes_away_without_a_throw_and_stops_reading()
    {
        var store = HookRunStore();
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("faults"));
        var failing = 0;
        store.BeforeRead = (_, _) => Volatile.Read(ref failing) == 1 ? throw new InvalidOperationException("a driver fault") : Task.CompletedTask;
        var page = Context.Render<RunPage>(p => p.Add(c => c.RunId, run.Id));
        await page.WaitForAssertionAsync(() => Assert.Equal("Running", StatusOf(page)), Wait);
        Volatile.Write(ref failing, 1);
        var reads = store.Reads.Count;
        await page.WaitForAssertionAsync(() => Assert.True(store.Reads.Count >= reads + 2), Wait);

        Assert.Null(await Record.ExceptionAsync(() => page.InvokeAsync(() => page.Instance.DisposeAsync().AsTask())));
        var after = store.Reads.Count;
        await Task.Delay(RunPage.PollInterval * 3);
        Assert.Equal(after, store.Reads.Count);
    }

    [Fact]
    public async Task A_run_opened_while_another_still_loads_wins_and_alone_is_polled()
    {
        var store = HookRunStore();
        var slow = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("overlap", DisplayName: "slow-run"));
        var fast = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("overlap", DisplayName: "fast-run"));
        var release = new TaskCompletionSource();
        var slowRead = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforeRead = async (id, cancellationToken) =>
        {
            if (id != slow.Id || release.Task.IsCompleted) return;
            slowRead.TrySetResult(cancellationToken);
            await release.Task.WaitAsync(cancellationToken);
        };

        var page = Context.Render<RunPage>(p => p.Add(c => c.RunId, slow.Id));
        var slowToken = await slowRead.Task.WaitAsync(Wait);
        page.Render(p => p.Add(c => c.RunId, fast.Id));
        await page.WaitForAssertionAsync(() => Assert.Contains("fast-run", page.Find("h1").TextContent), Wait);
        Assert.True(slowToken.IsCancellationRequested, "the load of the run left behind is cancelled");

        release.SetResult();
        await Task.Delay(RunPage.PollInterval * 2);
        while (store.Reads.TryDequeue(out _)) { }
        await Task.Delay(RunPage.PollInterval * 3);
        Assert.Contains("fast-run", page.Find("h1").TextContent);
        Assert.NotEmpty(store.Reads);
        Assert.All(store.Reads, id => Assert.Equal(fast.Id, id));
    }

    [Fact]
    public void Polls_back_off_while_nothing_changes_and_return_to_the_interval_on_a_change()
    {
        var backoff = new Loom.Studio.Components.Shared.PollBackoff(TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(15), patience: 2);
        Assert.Equal([1.5, 1.5, 3, 6, 12, 15, 15], Enumerable.Range(0, 7).Select(_ => backoff.Next(changed: false).TotalSeconds));
        Assert.Equal(1.5, backoff.Next(changed: true).TotalSeconds);
        Assert.Equal(1.5, backoff.Next(changed: false).TotalSeconds);
        var run = new RunDto("r", "w", "e", null, null, null, "r", RunStatus.Running, DateTimeOffset.UnixEpoch, null, null, [], null,
            new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, double> { ["loss"] = 1 });
        Assert.False(RunChanges.Differ(run, run with { Metrics = new Dictionary<string, double> { ["loss"] = 1 } }));
        Assert.True(RunChanges.Differ(run, run with { Metrics = new Dictionary<string, double> { ["loss"] = 0.5 } }));
        Assert.True(RunChanges.Differ(run, run with { Status = RunStatus.Finalizing }));
    }
}
