using System.CommandLine;
using Loom.Cli.Commands.Models;
using Loom.Cli.Output;
using Loom.Client;
using Loom.Client.Snapshots;
using Loom.Contracts;

namespace Loom.Cli.Commands.Deployments;

/// <summary>
/// The options <c>deployment create</c> and <c>deployment update</c> share, declared once, and what both do after the call: upload the
/// source folder first, and wait for the proof (printing the init log and the error when it fails).
/// </summary>
internal sealed class DeploymentOptions
{
    public Option<string> Endpoint { get; } = new("--endpoint", "-e") { Description = "The endpoint", HelpName = "name", Required = true };

    public Option<string[]> Models { get; } = new("--model")
    {
        Description = "A model version to serve, name:version or name (the latest) (repeatable)",
        HelpName = "name[:version]",
    };

    public Option<string> SourceDir { get; } = new("--source-dir")
    {
        Description = "The folder holding the entry script and what it imports (uploaded as a snapshot; default: the current folder)",
        HelpName = "dir",
    };

    public Option<string> EntryScript { get; } = new("--entry-script") { Description = "The scoring script (init() and run(raw_data)), in the source folder", HelpName = "file" };

    public Option<string> Environment { get; } = new("--environment") { Description = "The environment, name or name:version (default: system)", HelpName = "name[:version]" };

    public Option<int?> MinReplicas { get; } = new("--min-replicas") { Description = "Replicas always running (default 1)", HelpName = "n" };

    public Option<int?> MaxReplicas { get; } = new("--max-replicas") { Description = "Replicas at most under load (default: the minimum)", HelpName = "n" };

    public Option<int?> Workers { get; } = new("--workers") { Description = "Python worker processes per replica (default 2)", HelpName = "n" };

    public Option<int?> MaxConcurrent { get; } = new("--max-concurrent") { Description = "Requests per replica at once, beyond which 503 (default: workers x 4)", HelpName = "n" };

    public Option<string> SampleRequest { get; } = new("--sample-request") { Description = "A file with a request the deployment must answer before it serves", HelpName = "file" };

    public Option<int?> TimeoutMs { get; } = new("--timeout-ms") { Description = "Request timeout in milliseconds (default 60000)", HelpName = "ms" };

    public Option<string[]> Variables { get; } = ModelArguments.Pairs("--variable", "An environment variable of the workers, NAME=value (repeatable)");

    public Option<bool> NoWait { get; } = new("--no-wait") { Description = "Return at once, while the deployment is still being proven" };

    public void AddTo(Command command, bool withEndpoint = true)
    {
        if (withEndpoint) command.Options.Add(Endpoint);
        foreach (var option in new Option[] { Models, SourceDir, EntryScript, Environment, MinReplicas, MaxReplicas, Workers, MaxConcurrent, SampleRequest,
                     TimeoutMs, Variables, NoWait })
            command.Options.Add(option);
    }

    /// <summary>The sample request's text, or null when none was given.</summary>
    public async Task<string?> SampleAsync(ParseResult parseResult, CancellationToken cancellationToken) =>
        parseResult.GetValue(SampleRequest) is { } file ? await File.ReadAllTextAsync(file, cancellationToken) : null;

    /// <summary>
    /// The entry script as a path in the source folder: given relative to it, or as a path (from here) to a file inside it.
    /// </summary>
    public static string ScriptInFolder(string folder, string script)
    {
        if (File.Exists(Path.Combine(folder, script)) && !Path.IsPathRooted(script)) return script.Replace('\\', '/');
        var full = Path.GetFullPath(script);
        var root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (File.Exists(full) && full.StartsWith(root, StringComparison.Ordinal)) return Path.GetRelativePath(root, full).Replace('\\', '/');
        throw new UsageException($"--entry-script '{script}' is not a file in the source folder {folder}.");
    }

    /// <summary>Uploads the source folder as a snapshot (only what the server lacks), under progress bars on a terminal.</summary>
    public static async Task<string> SnapshotAsync(LoomClient client, string workspace, string folder, IConsoleOutput output, bool json,
        CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder)) throw new UsageException($"--source-dir '{folder}' is not a folder.");
        SnapshotResult? snapshot = null;
        await (json ? UploadAsync(SilentTransfers.Instance) : output.RunTransfersAsync(UploadAsync));
        return snapshot!.Id;

        async Task UploadAsync(ITransferReporter progress)
        {
            var bars = new SnapshotBars(progress, folder);
            var options = new SnapshotUploadOptions
            {
                Progress = bars.Report,
            };
            snapshot = await client.Snapshots.CreateFromFolderAsync(workspace, folder, options, cancellationToken);
            bars.Complete();
        }
    }

    /// <summary>
    /// Waits for the proof unless <c>--no-wait</c>, prints the deployment, and on <c>Failed</c> prints the worker's init log and the error
    /// to standard error and returns <see cref="ExitCodes.Failed"/>.
    /// </summary>
    public async Task<int> FinishAsync(ParseResult parseResult, LoomClient client, string workspace, DeploymentDto started, IConsoleOutput output,
        bool json, CancellationToken cancellationToken)
    {
        var deployment = started;
        if (!parseResult.GetValue(NoWait) && started.State == DeploymentStates.Updating)
        {
            if (!json) output.WriteError($"Deployment {started.Endpoint}/{started.Name} generation {started.Generation}: proving (workers start, init() runs)...");
            deployment = await client.Endpoints.WaitForDeploymentAsync(workspace, started.Endpoint, started.Name, cancellationToken: cancellationToken);
        }
        if (json) output.WriteJson(deployment);
        else output.WriteDetails(DeploymentViews.Details(deployment));
        if (deployment.State != DeploymentStates.Failed) return ExitCodes.Ok;
        if (deployment.InitLog is { Length: > 0 } log)
        {
            output.WriteError("--- init log ---");
            foreach (var line in log.TrimEnd('\n').Split('\n')) output.WriteError(line);
            output.WriteError("---");
        }
        output.WriteError($"error: deployment {deployment.Endpoint}/{deployment.Name} failed: {deployment.Error}");
        return ExitCodes.Failed;
    }
}
