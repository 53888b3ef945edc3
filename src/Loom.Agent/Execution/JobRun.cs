using System.Diagnostics;
using System.Globalization;
using Loom.Agent.Environments;
using Loom.Agent.Logs;
using Loom.Agent.Snapshots;
using Loom.Agent.Uploads;
using Loom.Client;
using Loom.Contracts;

namespace Loom.Agent.Execution;

/// <summary>
/// One claimed job: this node's part of a run, from claim to final report. Prepares the snapshot and the environment,
/// starts the processes, streams their output, uploads <c>./logs</c> and system metrics while they run, stops them on
/// cancel, max duration or agent stop, uploads <c>./outputs</c>, and reports each step. The agent's own lines go to
/// <c>agent_log.txt</c> (<c>agent_log_node_{r}.txt</c> on other nodes).
/// </summary>
internal sealed partial class JobRun
{
    private readonly AgentSession session;
    private readonly JobDto job;
    private readonly LoomClient run;
    private readonly LogStreamer logs;
    private readonly JobStop stop = new();
    private readonly CancellationTokenSource reporting = new();
    private readonly OutageLog outage;
    private readonly string agentLogFile;
    private readonly string buildLogFile;
    private readonly string workFolder;
    private readonly FolderUploader outputs;
    private readonly FolderUploader logFolder;
    private bool prepared;
    private volatile bool retireRequested;
    private volatile bool agentLost;

    public JobRun(AgentSession session, JobDto job)
    {
        this.session = session;
        this.job = job;
        run = session.ForRun(job.RunToken);
        logs = new LogStreamer(run.Logs, job.Workspace, job.RunId, Warn);
        outage = new OutageLog(line => session.Log($"run {job.RunId}: {line}"));
        var node = job.NodeRank.ToString(CultureInfo.InvariantCulture);
        agentLogFile = job.NodeRank == 0 ? "agent_log.txt" : $"agent_log_node_{node}.txt";
        buildLogFile = job.NodeRank == 0 ? "environment_build_log.txt" : $"environment_build_log_node_{node}.txt";
        workFolder = Path.Combine(session.Options.ResolvedWorkDirectory, job.NodeRank == 0 ? job.RunId : $"{job.RunId}-node{node}");
        outputs = new FolderUploader(run.Artifacts, job.Workspace, job.RunId, Path.Combine(workFolder, "outputs"), "outputs", Warn);
        logFolder = new FolderUploader(run.Artifacts, job.Workspace, job.RunId, Path.Combine(workFolder, "logs"), "logs", Warn);
    }

    private string NodeText => job.NodeCount > 1 ? $" (node {job.NodeRank} of {job.NodeCount})" : "";

    /// <summary>Runs the job to its final report; <paramref name="agentStop"/> stops it as Failed ("agent stopped").</summary>
    public async Task<JobOutcome> RunAsync(CancellationToken agentStop)
    {
        var onAgentStop = agentStop.Register(() =>
        {
            stop.Request(StopReason.AgentStopping);
            reporting.CancelAfter(session.Options.ShutdownBudget);
        });
        using var heartbeats = new CancellationTokenSource();
        var heartbeat = HeartbeatLoopAsync(heartbeats.Token);
        try
        {
            session.Log($"run {job.RunId}: started{NodeText}");
            _ = Report(RunStatus.Preparing);
            Line($"claimed by agent {session.AgentId} on host {session.Options.Host}: run {job.RunId} of experiment '{job.Experiment}'{NodeText}");
            JobResult result;
            try
            {
                result = await ExecuteAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A fault of the agent's own fails this run, not the agent: the next job may go fine.
                Line($"agent error: {e}");
                result = JobResult.Failed($"agent error: {e.Message}");
            }
            try
            {
                await FinishAsync(result);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Warn($"could not finish the run: {e}");
            }
            session.Log($"run {job.RunId}: {result.Status}{(result.Error is null ? "" : $" ({result.Error})")}");
        }
        finally
        {
            await onAgentStop.DisposeAsync();
            await heartbeats.CancelAsync();
            await heartbeat;
            await logs.DisposeAsync();
            run.Dispose();
            stop.Dispose();
            reporting.Dispose();
            RemoveWorkFolder();
        }
        return new JobOutcome(retireRequested, agentLost);
    }

    private async Task<JobResult> ExecuteAsync()
    {
        PreparedEnvironment environment;
        try
        {
            await PrepareSnapshotAsync();
            environment = await PrepareEnvironmentAsync();
        }
        catch (OperationCanceledException) when (stop.IsRequested)
        {
            Line(StopLine(stop.Reason));
            return Stopped(exitCode: null, firstFailure: null);
        }
        catch (EnvironmentBuildException e)
        {
            Line($"environment build failed: {e.Message}");
            return JobResult.Failed($"environment build failed: {e.OutputTail}");
        }
        catch (Exception e) when (e is LoomApiException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Line($"preparation failed: {e.Message}");
            return JobResult.Failed($"preparation failed: {e.Message}");
        }
        return await RunProcessesAsync(environment);
    }

    private async Task PrepareSnapshotAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var snapshot = await session.Snapshots.GetAsync(job.Workspace, job.SnapshotId, stop.Token);
        SnapshotCache.CopyTo(snapshot, workFolder);
        Directory.CreateDirectory(Path.Combine(workFolder, "outputs"));
        Directory.CreateDirectory(Path.Combine(workFolder, "logs"));
        prepared = true;
        Line(string.Create(CultureInfo.InvariantCulture,
            $"snapshot {job.SnapshotId}: {snapshot.Entries.Count} files, {snapshot.Bytes} bytes ({(snapshot.FromCache ? "cached" : "downloaded")}), ready in {workFolder} after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms"));
    }

    private async Task<PreparedEnvironment> PrepareEnvironmentAsync()
    {
        var environment = job.Environment;
        var name = $"{environment.Name}:{environment.Version}";
        var ready = await session.Environments.PrepareAsync(environment, data => logs.Append(buildLogFile, data.Span), stop.Token);
        if (ready.VenvDirectory is null) Line($"environment {name}: the agent's interpreter {ready.Python} as it is");
        else if (ready.Reused) Line($"environment {name}: reused env {environment.Hash}");
        else Line(string.Create(CultureInfo.InvariantCulture, $"environment {name}: built env {environment.Hash} in {ready.BuildTime.TotalSeconds:F1} s (log: {buildLogFile})"));
        return ready;
    }

    private void Line(string text) =>
        logs.AppendLine(agentLogFile, $"{DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} {text}");

    private void Warn(string text) => session.Log($"run {job.RunId}: warning: {text}");

    private void RemoveWorkFolder()
    {
        try
        {
            if (Directory.Exists(workFolder)) Directory.Delete(workFolder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Warn($"could not remove {workFolder}: {e.Message}");
        }
    }
}
