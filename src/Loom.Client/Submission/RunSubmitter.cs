using Loom.Client.Git;
using Loom.Client.Snapshots;
using Loom.Contracts;

namespace Loom.Client.Submission;

/// <summary>
/// Submits a <see cref="RunConfiguration"/> as the CLI and <c>Experiment.submit</c> do: checks it, snapshots the
/// source folder (uploading only what the server lacks), records the folder's git state as run properties and
/// queues the run with an idempotency key, so a retried request never queues it twice.
/// </summary>
public sealed class RunSubmitter
{
    private readonly LoomClient client;

    public RunSubmitter(LoomClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
    }

    /// <summary>
    /// Checks <paramref name="configuration"/> before anything is uploaded, and returns it with the source folder
    /// made absolute (the current folder when unset) and the script as a '/'-separated path inside it.
    /// </summary>
    /// <exception cref="RunConfigurationException">See <see cref="RunConfiguration.Validate"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">The source folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The script is not a file inside the source folder.</exception>
    public static RunConfiguration Check(RunConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Validate();
        var source = Path.GetFullPath(configuration.SourceDirectory ?? ".");
        if (!Directory.Exists(source)) throw new DirectoryNotFoundException($"The source folder '{source}' does not exist.");
        if (configuration.Script is not { } script) return configuration with { SourceDirectory = source };
        var full = Path.GetFullPath(Path.Combine(source, script));
        var relative = Path.GetRelativePath(source, full);
        var outside = relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative);
        if (outside || !File.Exists(full))
            throw new FileNotFoundException($"The script '{script}' is not {(outside ? "inside" : "a file in")} the source folder '{source}'.", full);
        return configuration with { SourceDirectory = source, Script = relative.Replace(Path.DirectorySeparatorChar, '/') };
    }

    /// <summary>Checks the configuration, snapshots its source folder and queues the run.</summary>
    /// <param name="workspace">The workspace to submit to.</param>
    /// <param name="configuration">What to run; see <see cref="Check"/> for what is refused before uploading.</param>
    /// <param name="snapshotOptions">Limits, hash cache folder and upload parallelism of the snapshot.</param>
    /// <param name="idempotencyKey">The submission's key; a new one when null.</param>
    /// <param name="cancellationToken">Stops the upload or the request.</param>
    public async Task<RunSubmission> SubmitAsync(string workspace, RunConfiguration configuration, SnapshotUploadOptions? snapshotOptions = null,
        string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var snapshot = await UploadSnapshotAsync(workspace, configuration, snapshotOptions, cancellationToken);
        var run = await SubmitSnapshotAsync(workspace, configuration, snapshot, idempotencyKey, cancellationToken);
        return new RunSubmission(run, snapshot);
    }

    /// <summary>The first step of <see cref="SubmitAsync"/>: checks the configuration and snapshots its source folder.</summary>
    public Task<SnapshotResult> UploadSnapshotAsync(string workspace, RunConfiguration configuration, SnapshotUploadOptions? snapshotOptions = null,
        CancellationToken cancellationToken = default)
    {
        var source = Check(configuration).SourceDirectory!;
        return client.Snapshots.CreateFromFolderAsync(workspace, source, snapshotOptions, cancellationToken);
    }

    /// <summary>The second step of <see cref="SubmitAsync"/>: queues a run of <paramref name="snapshot"/> with the source folder's git properties.</summary>
    public Task<RunDto> SubmitSnapshotAsync(string workspace, RunConfiguration configuration, SnapshotResult snapshot, string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var run = Check(configuration);
        var git = GitInfo.Capture(run.SourceDirectory!);
        var request = new SubmitRunRequest(
            run.Experiment,
            snapshot.Id,
            run.Compute,
            Script: run.Script,
            Command: run.Command,
            Arguments: run.Arguments,
            Environment: run.Environment,
            NodeCount: run.NodeCount,
            ProcessCountPerNode: run.ProcessCountPerNode,
            Distribution: run.Distribution,
            MaxDurationSeconds: run.MaxDurationSeconds,
            Tags: run.Tags is null ? null : new Dictionary<string, string>(run.Tags, StringComparer.Ordinal),
            Properties: git is null ? null : new Dictionary<string, string>(git, StringComparer.Ordinal));
        return client.Runs.SubmitAsync(workspace, request, idempotencyKey ?? Guid.NewGuid().ToString("N"), cancellationToken);
    }
}
