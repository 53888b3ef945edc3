using System.Globalization;
using Loom.Client;
using Loom.Contracts;

namespace Loom.Agent.Execution;

internal sealed partial class JobRun
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LostFlushTimeout = TimeSpan.FromSeconds(5);
    private Task reports = Task.CompletedTask;

    /// <summary>
    /// Uploads <c>./outputs</c> and the last of <c>./logs</c> (also after a cancel or a stop), writes the last agent
    /// lines, sends every log byte and only then reports the final status: a follower that sees the run finished has
    /// all of its logs.
    /// </summary>
    private async Task FinishAsync(JobResult result)
    {
        if (agentLost)
        {
            Line("the server no longer accepts this agent: nothing more is reported");
            using var bound = new CancellationTokenSource(LostFlushTimeout);
            await FlushLogsAsync(bound.Token);
            return;
        }
        if (prepared)
        {
            await Report(RunStatus.Finalizing);
            try
            {
                var (files, bytes) = await outputs.UploadChangedAsync(reporting.Token);
                await logFolder.UploadChangedAsync(reporting.Token);
                Line(string.Create(CultureInfo.InvariantCulture, $"outputs uploaded: {files} files, {bytes} bytes"));
            }
            catch (OperationCanceledException) when (reporting.IsCancellationRequested)
            {
                Line("outputs not uploaded: the agent ran out of time while stopping");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Line($"outputs not uploaded: {e.Message}");
            }
        }
        Line($"{result.Status}{(result.Error is null ? "" : $": {result.Error}")}");
        await FlushLogsAsync(reporting.Token);
        await Report(result.Status, result.ExitCode, result.Error);
    }

    private async Task FlushLogsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await logs.FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Warn("some log bytes could not be sent before the agent stopped");
        }
    }

    /// <summary>Reports a status after the ones before it (reports keep their order even when not awaited).</summary>
    private Task Report(RunStatus status, int? exitCode = null, string? error = null)
    {
        reports = ReportAfterAsync(reports, new JobStatusRequest(status, exitCode, error));
        return reports;
    }

    private async Task ReportAfterAsync(Task previous, JobStatusRequest request)
    {
        await previous;
        if (agentLost) return;
        try
        {
            var orders = await ServerRetry.CallAsync(ct => session.Agent.Agents.ReportAsync(session.AgentId, job.RunId, request, ct),
                outage.Failed, CallTimeout, reporting.Token);
            outage.Recovered();
            Obey(orders);
        }
        catch (LoomApiException e) when (e.Code == ErrorCodes.AgentRetired)
        {
            Lost();
        }
        catch (LoomApiException e)
        {
            Warn($"the server refused status {request.Status}: {e.Message}");
        }
        catch (OperationCanceledException) when (reporting.IsCancellationRequested)
        {
            Warn($"status {request.Status} not reported: the agent ran out of time while stopping");
        }
    }

    /// <summary>Heartbeats while the job lives; their answers may cancel the run or retire the agent.</summary>
    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(session.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(CallTimeout);
                try
                {
                    var orders = await session.Agent.Agents.HeartbeatAsync(session.AgentId, new HeartbeatRequest(job.RunId), attempt.Token);
                    outage.Recovered();
                    Obey(orders);
                }
                catch (LoomApiException e) when (e.Code == ErrorCodes.AgentRetired)
                {
                    Lost();
                    return;
                }
                catch (Exception e) when (ServerRetry.IsTransient(e, cancellationToken))
                {
                    outage.Failed(e, 1);
                }
                catch (LoomApiException e)
                {
                    Warn($"heartbeat refused: {e.Message}");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The job is over.
        }
    }

    private void Obey(AgentOrdersDto orders)
    {
        if (orders.Retire) retireRequested = true;
        if (orders.Cancel) stop.Request(StopReason.Canceled);
    }

    private void Lost()
    {
        agentLost = true;
        stop.Request(StopReason.AgentLost);
    }
}
