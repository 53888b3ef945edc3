using System.ComponentModel;
using System.Globalization;
using Loom.Agent.Environments;
using Loom.Agent.Metrics;
using Loom.Agent.Processes;
using Loom.Contracts;

namespace Loom.Agent.Execution;

internal sealed partial class JobRun
{
    private static readonly TimeSpan MonitorInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan OutputDrain = TimeSpan.FromSeconds(5);

    private async Task<JobResult> RunProcessesAsync(PreparedEnvironment environment)
    {
        var variables = JobVariables.ForJob(job, session.Options.ServerUrl, environment, session.BundledPython, Environment.GetEnvironmentVariable);
        var launches = LaunchPlan.Create(job, environment.Python, variables, session.MpirunAvailable);
        var trees = new List<(ProcessLaunch Launch, ProcessTree Tree)>();
        try
        {
            try
            {
                foreach (var launch in launches)
                {
                    var prefix = launches.Count > 1 || launch.LogFile != LaunchPlan.SingleLog ? $"rank {launch.Rank}: " : "";
                    Line($"{prefix}$ {ShellQuote.Join(launch.Command)}  (in {workFolder}, output to {launch.LogFile})");
                    var file = launch.LogFile;
                    trees.Add((launch, ProcessTree.Start(launch.Command, workFolder, launch.Variables, data => logs.Append(file, data.Span))));
                }
            }
            catch (Win32Exception e)
            {
                Line($"could not start the process: {e.Message}");
                await Task.WhenAll(trees.Select(t => t.Tree.StopAsync(session.Options.StopGrace)));
                return JobResult.Failed($"could not start the process: {e.Message}");
            }
            await Report(RunStatus.Running);

            using var monitors = new CancellationTokenSource();
            var background = Task.WhenAll(MaxDurationAsync(monitors.Token), UploadLogFolderAsync(monitors.Token), RecordSystemMetricsAsync(monitors.Token));
            var result = await WaitAsync(trees);
            await monitors.CancelAsync();
            await background;
            return result;
        }
        finally
        {
            foreach (var (_, tree) in trees) tree.Dispose();
        }
    }

    /// <summary>
    /// Waits until every process has exited or the job is stopped, then ends whatever is left of the process groups
    /// (also a finished process's background children) and drains the output.
    /// </summary>
    private async Task<JobResult> WaitAsync(IReadOnlyList<(ProcessLaunch Launch, ProcessTree Tree)> trees)
    {
        int? firstFailure = null;
        var gate = new object();
        var exits = Task.WhenAll(trees.Select(async t =>
        {
            var code = await t.Tree.Exited;
            if (code == 0) return;
            lock (gate) firstFailure ??= code;
            // A failed rank's peers would wait for it forever (torchrun stops them too).
            if (trees.Count > 1) stop.Request(StopReason.ProcessFailed);
        }));
        var stopped = Task.Delay(Timeout.Infinite, stop.Token);
        await Task.WhenAny(exits, stopped);
        if (stop.IsRequested && stop.Reason != StopReason.ProcessFailed) Line(StopLine(stop.Reason));

        await Task.WhenAll(trees.Select(t => t.Tree.StopAsync(session.Options.StopGrace)));
        await Task.WhenAny(exits, Task.Delay(ExitWait));
        await Task.WhenAll(trees.Select(t => t.Tree.WaitForOutputAsync(OutputDrain)));

        int? firstCode = null;
        foreach (var (launch, tree) in trees)
        {
            var code = tree.Exited.IsCompletedSuccessfully ? tree.Exited.Result : (int?)null;
            firstCode ??= code;
            var prefix = trees.Count > 1 || launch.LogFile != LaunchPlan.SingleLog ? $"rank {launch.Rank}: " : "";
            Line(code is { } c ? $"{prefix}exit code {c.ToString(CultureInfo.InvariantCulture)}" : $"{prefix}did not exit after SIGKILL");
        }
        return stop.Reason is StopReason.None or StopReason.ProcessFailed
            ? firstFailure is { } failed ? JobResult.Failed($"exit code {failed.ToString(CultureInfo.InvariantCulture)}", failed)
              : firstCode is 0 ? new JobResult(RunStatus.Completed, 0)
              : JobResult.Failed("the process did not exit")
            : Stopped(firstCode, firstFailure);
    }

    /// <summary>The result of a job stopped for <see cref="JobStop.Reason"/>.</summary>
    private JobResult Stopped(int? exitCode, int? firstFailure) => stop.Reason switch
    {
        StopReason.Canceled => new JobResult(RunStatus.Canceled, exitCode),
        StopReason.MaxDuration => JobResult.Failed(string.Create(CultureInfo.InvariantCulture, $"exceeded max duration of {job.MaxDurationSeconds}s"), exitCode),
        StopReason.AgentLost => JobResult.Failed("agent lost", exitCode),
        StopReason.ProcessFailed => JobResult.Failed($"exit code {firstFailure ?? exitCode}", firstFailure ?? exitCode),
        _ => JobResult.Failed("agent stopped", exitCode),
    };

    private string StopLine(StopReason reason) => reason switch
    {
        StopReason.Canceled => "cancel requested: stopping the processes",
        StopReason.MaxDuration => string.Create(CultureInfo.InvariantCulture, $"max duration of {job.MaxDurationSeconds}s exceeded: stopping the processes"),
        StopReason.AgentLost => "the server no longer accepts this agent: stopping the processes",
        StopReason.ProcessFailed => "a process failed: stopping the others",
        _ => "the agent is stopping: stopping the processes",
    };

    private async Task MaxDurationAsync(CancellationToken cancellationToken)
    {
        if (job.MaxDurationSeconds is not ({ } seconds and > 0)) return;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
            stop.Request(StopReason.MaxDuration);
        }
        catch (OperationCanceledException)
        {
            // The processes ended first.
        }
    }

    /// <summary>Uploads changed files of <c>./logs</c> every few seconds while the processes run.</summary>
    private async Task UploadLogFolderAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(MonitorInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await logFolder.UploadChangedAsync(cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Warn($"could not read ./logs: {e.Message}");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The processes ended; FinishAsync uploads the last changes.
        }
    }

    /// <summary>Logs CPU, memory and GPU use every few seconds (by node 0, whose names are the run's).</summary>
    private async Task RecordSystemMetricsAsync(CancellationToken cancellationToken)
    {
        if (job.NodeRank != 0) return;
        var metrics = new SystemMetrics();
        using var timer = new PeriodicTimer(MonitorInterval);
        try
        {
            for (long step = 0; await timer.WaitForNextTickAsync(cancellationToken); step++)
            {
                var points = await metrics.SampleAsync(step, cancellationToken);
                if (points.Count == 0) continue;
                try
                {
                    await run.Metrics.LogAsync(job.Workspace, job.RunId, new MetricBatch(points), cancellationToken: cancellationToken);
                }
                catch (Exception e) when (ServerRetry.IsTransient(e, cancellationToken) || e is Client.LoomApiException)
                {
                    // A sample lost to an outage is not worth holding the others back.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The processes ended.
        }
    }
}
