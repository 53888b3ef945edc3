using System.CommandLine;
using System.CommandLine.Parsing;
using Loom.Cli.Output;
using Loom.Client;
using Loom.Client.Snapshots;
using Loom.Client.Submission;
using Loom.Contracts;

namespace Loom.Cli.Commands.Run;

/// <summary>
/// <c>loom run submit [--config FILE] [--source-dir DIR] (--script FILE | --command CMD) [--arguments ARGS...] [--compute C]
/// [--environment E] ... [--stream | --wait]</c>: snapshots the source folder and queues a run on a compute target.
/// </summary>
internal sealed class RunSubmitCommand : LoomCommand
{
    private readonly Option<string> config = new("--config") { Description = "A run configuration file (YAML); the options below override it", HelpName = "file" };

    private readonly Option<string> sourceDir = new("--source-dir")
    {
        Description = "The folder to snapshot and run in (default: the config file's project folder, else the current folder)",
        HelpName = "dir",
    };

    private readonly Option<string> script = new("--script") { Description = "A Python file in the source folder", HelpName = "file" };

    private readonly Option<string> command = new("--command") { Description = "A shell command line to run instead of a script", HelpName = "cmd" };

    private readonly Option<string[]> arguments = new("--arguments")
    {
        Description = "Arguments of the script or command: the words after it up to the next option of this command (or give them after --)",
        HelpName = "args",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Argument<string[]> passthrough = new("args")
    {
        Description = "After --: more arguments of the script or command, taken as they are",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string> experiment = new("--experiment", "-e") { Description = "The experiment to file the run under (else LOOM_EXPERIMENT)", HelpName = "name" };

    private readonly Option<string> compute = new("--compute") { Description = "The compute target to run on", HelpName = "name" };

    private readonly Option<string> environment = new("--environment") { Description = "The environment, name or name:version (default: system)", HelpName = "name[:version]" };

    private readonly Option<string[]> tags = new("--tag") { Description = "A tag of the run, key=value (repeatable)", HelpName = "key=value" };

    private readonly Option<int?> maxDuration = new("--max-duration")
    {
        Description = "Fail the run after this long: seconds, or with units (30s, 10m, 2h)",
        HelpName = "duration",
        CustomParser = ParseDuration,
    };

    private readonly Option<int?> nodeCount = new("--node-count") { Description = "Nodes to run on (default 1)", HelpName = "n" };

    private readonly Option<int?> processCount = new("--process-count-per-node") { Description = "Processes per node (default 1)", HelpName = "n" };

    private readonly Option<string> distribution = new("--distribution") { Description = "How distributed processes start", HelpName = "pytorch|mpi" };

    private readonly Option<bool> stream = new("--stream") { Description = "Print the run's log until it ends; exit 0 only if it completed" };

    private readonly Option<bool> wait = new("--wait") { Description = "Wait for the run to end; exit 0 only if it completed" };

    public RunSubmitCommand(CliContext context) : base("submit", "Submit a script or command to run on a compute target", context)
    {
        distribution.AcceptOnlyFromAmong([.. Distributions.Supported]);
        tags.Validators.Add(result =>
        {
            foreach (var tag in (result.GetValueOrDefault<string[]>() ?? []).Where(t => t.IndexOf('=') < 1))
                result.AddError($"--tag '{tag}' is not key=value.");
        });
        Options.Add(config);
        Options.Add(sourceDir);
        Options.Add(script);
        Options.Add(command);
        Options.Add(arguments);
        Options.Add(experiment);
        Options.Add(compute);
        Options.Add(environment);
        Options.Add(tags);
        Options.Add(maxDuration);
        Options.Add(nodeCount);
        Options.Add(processCount);
        Options.Add(distribution);
        Options.Add(stream);
        Options.Add(wait);
        Arguments.Add(passthrough);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var run = Check(Configuration(parseResult));
        var json = IsJson(parseResult);
        var follow = parseResult.GetValue(stream);
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var submitter = new RunSubmitter(client);
            var snapshot = await SnapshotAsync(submitter, connection.Workspace, run, json, cancellationToken);
            var submitted = await submitter.SubmitSnapshotAsync(connection.Workspace, run, snapshot, idempotencyKey: null, cancellationToken);
            if (!json) Output.WriteDetails(Details(submitted, snapshot));
            if (!follow && !parseResult.GetValue(wait))
            {
                if (json) Output.WriteJson(View(submitted, snapshot));
                return ExitCodes.Ok;
            }

            var waiter = new RunWaiter(client, connection.Workspace, Context.Time);
            var final = follow
                ? await waiter.StreamAsync(submitted.Id, run.MainLog, json ? new StandardErrorOutput(Output) : Output, cancellationToken)
                : await waiter.WaitAsync(submitted.Id, changed => Output.WriteError($"run {changed.Id}: {changed.Status}"), cancellationToken);
            if (json) Output.WriteJson(View(final, snapshot));
            if (final.Status == RunStatus.Completed) return ExitCodes.Ok;
            Output.WriteError($"error: run {final.Id} ended {final.Status}{(final.Error is { } error ? $": {error}" : "")}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>Snapshots the source folder under a progress line on a terminal.</summary>
    private async Task<SnapshotResult> SnapshotAsync(RunSubmitter submitter, string workspace, RunConfiguration run, bool json,
        CancellationToken cancellationToken)
    {
        SnapshotResult? snapshot = null;
        // Progress bars would mix into the JSON on a terminal; JSON users get the numbers in the answer instead.
        await (json ? UploadAsync(SilentTransfers.Instance) : Output.RunTransfersAsync(UploadAsync));
        return snapshot!;

        async Task UploadAsync(ITransferReporter progress)
        {
            var bars = new SnapshotBars(progress, run.SourceDirectory ?? "");
            var options = new SnapshotUploadOptions
            {
                Progress = bars.Report,
            };
            snapshot = await submitter.UploadSnapshotAsync(workspace, run, options, cancellationToken);
            bars.Complete();
        }
    }

    /// <summary>The configuration file, if any, under the options given on the command line.</summary>
    private RunConfiguration Configuration(ParseResult parseResult)
    {
        var file = parseResult.GetValue(config);
        var scriptArguments = (parseResult.GetValue(arguments) ?? []).Concat(Passthrough(parseResult)).ToList();
        var given = parseResult.GetResult(arguments) is not null || scriptArguments.Count > 0;
        var overrides = new RunConfiguration
        {
            SourceDirectory = parseResult.GetValue(sourceDir) is { } dir ? Path.GetFullPath(dir) : null,
            Script = parseResult.GetValue(script),
            Command = parseResult.GetValue(command),
            Arguments = given ? scriptArguments : null,
            Experiment = parseResult.GetValue(experiment),
            Compute = parseResult.GetValue(compute),
            Environment = parseResult.GetValue(environment),
            NodeCount = parseResult.GetValue(nodeCount),
            ProcessCountPerNode = parseResult.GetValue(processCount),
            Distribution = parseResult.GetValue(distribution),
            MaxDurationSeconds = parseResult.GetValue(maxDuration),
            Tags = Tags(parseResult.GetValue(tags)),
        };
        RunConfiguration merged;
        try { merged = file is null ? overrides : RunConfiguration.Load(file).Override(overrides); }
        catch (RunConfigurationException e) { throw new UsageException(e.Message); }
        // As in the Python client: inside a run, a submission files under the run's own experiment unless told otherwise.
        return merged.Experiment is null && Context.GetEnvironmentVariable("LOOM_EXPERIMENT") is { Length: > 0 } fromEnvironment
            ? merged with { Experiment = fromEnvironment }
            : merged;
    }

    /// <summary>What follows <c>--</c>; a word given before it, out of place, is a usage error rather than a silent argument.</summary>
    private IReadOnlyList<string> Passthrough(ParseResult parseResult)
    {
        var values = parseResult.GetValue(passthrough) ?? [];
        if (values.Length > 0 && !parseResult.Tokens.Any(t => t.Type == TokenType.DoubleDash))
            throw new UsageException($"unexpected '{values[0]}': give the script's arguments after --arguments, or after --.");
        return values;
    }

    private static RunConfiguration Check(RunConfiguration configuration)
    {
        try { return RunSubmitter.Check(configuration); }
        catch (RunConfigurationException e) { throw new UsageException(e.Message); }
    }

    private static Dictionary<string, string>? Tags(string[]? given)
    {
        if (given is not { Length: > 0 }) return null;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in given)
        {
            var split = tag.IndexOf('=');
            tags[tag[..split]] = tag[(split + 1)..];
        }
        return tags;
    }

    private static int? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        var seconds = DurationText.TryParseSeconds(text);
        if (seconds is null) result.AddError($"--max-duration '{text}' is not seconds or a duration like 30s, 10m, 2h.");
        return seconds;
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Details(RunDto run, SnapshotResult snapshot) =>
    [
        new("Id", run.Id),
        new("Experiment", run.Experiment),
        new("Status", run.Status.ToString()),
        new("Compute", run.Properties.GetValueOrDefault("loom.compute") ?? ""),
        new("Environment", run.Properties.GetValueOrDefault("loom.environment") ?? ""),
        new("Snapshot", $"{snapshot.Id} ({snapshot.Files} files, {Formats.Size(snapshot.Bytes)}; uploaded {snapshot.UploadedFiles} files, {Formats.Size(snapshot.UploadedBytes)})"),
    ];

    private static SubmitView View(RunDto run, SnapshotResult snapshot) =>
        new(run.Id, run.Status, run.Experiment, new SnapshotView(snapshot.Id, snapshot.Files, snapshot.UploadedFiles, snapshot.UploadedBytes));

    private sealed record SubmitView(string Id, RunStatus Status, string Experiment, SnapshotView Snapshot);

    private sealed record SnapshotView(string Id, int Files, int UploadedFiles, long UploadedBytes);
}
