using Loom.Cli.Output;
using Loom.Client;
using Loom.Contracts;

namespace Loom.Cli.Commands.Run;

/// <summary>Waits for a run to end, telling each status change, or streams its main log meanwhile (<c>--wait</c>, <c>--stream</c>).</summary>
internal sealed class RunWaiter(LoomClient client, string workspace, TimeProvider time)
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(2);

    /// <summary>Polls the run until it ends; <paramref name="changed"/> sees its first status and every change after it.</summary>
    public async Task<RunDto> WaitAsync(string runId, Action<RunDto> changed, CancellationToken cancellationToken)
    {
        RunStatus? last = null;
        var delay = FirstPoll;
        while (true)
        {
            var run = await client.Runs.GetAsync(workspace, runId, cancellationToken);
            if (run.Status != last)
            {
                last = run.Status;
                changed(run);
                delay = FirstPoll;
            }
            if (run.Status.IsTerminal()) return run;
            await Task.Delay(delay, time, cancellationToken);
            // Quick at first, when a queued run is often claimed at once; then at a pace a long run does not notice.
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPoll.Ticks));
        }
    }

    /// <summary>
    /// Writes <paramref name="log"/> to <paramref name="output"/> as it grows until the run ends, with status changes
    /// on standard error, and returns the run as it ended.
    /// </summary>
    public async Task<RunDto> StreamAsync(string runId, string log, IConsoleOutput output, CancellationToken cancellationToken)
    {
        using var polling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The follower reports the end itself ("run X finished: S"), so only the live statuses are told here.
        var statuses = WaitAsync(runId, run =>
        {
            if (!run.Status.IsTerminal()) output.WriteError($"run {run.Id}: {run.Status}");
        }, polling.Token);
        try
        {
            await new LogFollower(client, workspace, runId, output, json: false).FollowAsync([log], cancellationToken);
        }
        finally
        {
            await polling.CancelAsync();
            // Status lines are a courtesy: a failed poll must not hide the log's own outcome.
            await Task.WhenAny(statuses);
            _ = statuses.Exception;
            (output as StandardErrorOutput)?.Flush();
        }
        return await client.Runs.GetAsync(workspace, runId, cancellationToken);
    }
}
