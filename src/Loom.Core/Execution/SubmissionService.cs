using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Compute;
using Loom.Core.Environments;
using Loom.Core.Snapshots;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Microsoft.Extensions.Logging;

namespace Loom.Core.Execution;

/// <summary>Queues runs on compute targets: checks the submission against the target, snapshot and environment, then stores run and job together.</summary>
public sealed partial class SubmissionService(
    IExecutionStore store, ComputeService computes, EnvironmentService environments, SnapshotService snapshots, RunService runs,
    JobSignals signals, TimeProvider time, ILogger<SubmissionService> logger)
{
    /// <summary>Run properties a submission sets; the Studio and the clients read them.</summary>
    public const string ComputeProperty = "loom.compute";
    public const string EnvironmentProperty = "loom.environment";
    public const string EnvironmentHashProperty = "loom.environmentHash";
    public const string SnapshotProperty = "loom.snapshotId";
    public const string ScriptProperty = "loom.script";
    public const string CommandProperty = "loom.command";

    public async Task<RunDto> SubmitAsync(WorkspaceRecord workspace, SubmitRunRequest request, IdempotentRequest? idempotency,
        CancellationToken cancellationToken)
    {
        var experiment = Validate.Name(request.Experiment, "Experiment");
        var (script, command) = SubmissionRules.Entry(request.Script, request.Command);
        var arguments = SubmissionRules.Arguments(request.Arguments);
        var maxDuration = SubmissionRules.MaxDuration(request.MaxDurationSeconds);
        var variables = SubmissionRules.Variables(request.Variables);
        Validate.KeyValues(request.Tags, "Tag");
        Validate.KeyValues(request.Properties, "Property");
        if (request.DisplayName is { Length: > 1000 } || request.Description is { Length: > 10000 })
            throw new LoomException(ErrorCodes.InvalidRequest, "displayName is limited to 1,000 characters and description to 10,000.");
        if (string.IsNullOrEmpty(request.SnapshotId)) throw SubmissionRules.Invalid("snapshotId is required: upload the source folder as a snapshot first.");
        if (string.IsNullOrEmpty(request.Compute)) throw SubmissionRules.Invalid("compute is required: name the compute target to run on.");

        var compute = await computes.GetAsync(workspace, request.Compute, cancellationToken);
        var (nodes, processes, distribution) = SubmissionRules.Layout(request.NodeCount, request.ProcessCountPerNode, request.Distribution,
            compute.Name, compute.MaxNodes);
        var entries = await snapshots.EntriesAsync(workspace.Id, request.SnapshotId, cancellationToken);
        if (script is not null && !entries.Any(e => e.Path == script))
            throw SubmissionRules.Invalid($"script '{script}' is not in the snapshot: the source folder has no such file, or an ignore rule left it out.");
        var (envName, envVersion) = SubmissionRules.EnvironmentReference(request.Environment ?? EnvironmentRules.SystemName);
        var environment = await environments.GetAsync(workspace, envName, envVersion, cancellationToken);

        var merged = new Dictionary<string, string>(environment.Variables);
        foreach (var (name, value) in variables) merged[name] = value;
        var spec = new JobSpec(request.SnapshotId, environment, script, command, arguments, merged, nodes, processes, distribution, maxDuration);
        var properties = new Dictionary<string, string>(request.Properties ?? [])
        {
            [ComputeProperty] = compute.Name,
            [EnvironmentProperty] = $"{environment.Name}:{environment.Version}",
            [EnvironmentHashProperty] = environment.Hash,
            [SnapshotProperty] = request.SnapshotId,
        };
        if (script is not null) properties[ScriptProperty] = script;
        else properties[CommandProperty] = command!.Length > Validate.MaxValueLength ? command[..Validate.MaxValueLength] : command;

        var now = time.GetUtcNow();
        var run = new NewRun(RunService.NewRunId(experiment, now), experiment, null, request.DisplayName, request.Description, RunStatus.Queued,
            new Dictionary<string, string>(), request.Tags ?? [], properties, now);
        var id = await store.SubmitAsync(workspace.Id, run, compute.Name, spec, idempotency, cancellationToken);
        if (id == run.Id)
        {
            LogSubmitted(logger, id, compute.Name, nodes, processes);
            signals.Signal(workspace.Id, compute.Name);
        }
        return await runs.GetAsync(workspace.Id, id, cancellationToken);
    }

    /// <summary>What a submitted run runs and where.</summary>
    public async Task<RunJobDto> GetJobAsync(WorkspaceRecord workspace, string runId, CancellationToken cancellationToken)
    {
        await runs.FindAsync(workspace.Id, runId, cancellationToken);
        var job = await store.GetJobAsync(workspace.Id, runId, cancellationToken)
            ?? throw LoomException.NotFound(ErrorCodes.JobNotFound, "Job of run", runId);
        var nodes = await store.ListJobNodesAsync(job.Id, cancellationToken);
        var spec = job.Spec;
        return new RunJobDto(runId, job.Compute, spec.SnapshotId, $"{spec.Environment.Name}:{spec.Environment.Version}", spec.Environment.Hash,
            spec.Script, spec.Command, spec.Arguments, spec.NodeCount, spec.ProcessCountPerNode, spec.Distribution, spec.MaxDurationSeconds,
            job.QueuedTime, nodes.Select(n => new JobNodeDto(n.NodeRank, n.AgentId, n.Host, n.State, n.ExitCode, n.Error)).ToList());
    }

    /// <summary>The snapshot a submitted run was made from.</summary>
    public async Task<IReadOnlyList<SnapshotEntryDto>> SnapshotOfAsync(WorkspaceRecord workspace, string runId, CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(workspace.Id, runId, cancellationToken);
        if (!run.Properties.TryGetValue(SnapshotProperty, out var snapshotId))
            throw LoomException.NotFound(ErrorCodes.SnapshotNotFound, "Snapshot of run", runId);
        return await snapshots.EntriesAsync(workspace.Id, snapshotId, cancellationToken);
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Run {RunId} queued on {Compute} ({Nodes} node(s) x {Processes} process(es))")]
    private static partial void LogSubmitted(ILogger logger, string runId, string compute, int nodes, int processes);
}
