using System.CommandLine;
using Loom.Cli.Output;
using Loom.Client;
using Loom.Client.Snapshots;
using Loom.Contracts;

namespace Loom.Cli.Commands.Models;

/// <summary>
/// <c>loom model register --name N (--path LOCAL | --run RUN --path outputs/model.pkl) [--tag k=v]... [--property k=v]...
/// [--description D] [--framework F] [--framework-version V]</c>: registers the next version.
/// </summary>
internal sealed class ModelRegisterCommand : LoomCommand
{
    private readonly Option<string> name = new("--name", "-n") { Description = "The model's name", HelpName = "name", Required = true };

    private readonly Option<string> path = new("--path", "-p")
    {
        Description = "A local file or folder; with --run, the run's artifact file or folder (e.g. outputs/model.pkl)",
        HelpName = "path",
        Required = true,
    };

    private readonly Option<string> run = new("--run", "-r") { Description = "Register the artifacts of this run, recording it as the source", HelpName = "run-id" };

    private readonly Option<string[]> tags = ModelArguments.Pairs("--tag", "A tag, key=value (repeatable; tags can change later)");

    private readonly Option<string[]> properties = ModelArguments.Pairs("--property", "A property, key=value (repeatable)");

    private readonly Option<string> description = new("--description", "-d") { Description = "What the model is", HelpName = "text" };

    private readonly Option<string> framework = new("--framework") { Description = "e.g. ScikitLearn, Onnx, PyTorch, TensorFlow, Custom", HelpName = "name" };

    private readonly Option<string> frameworkVersion = new("--framework-version") { Description = "e.g. 1.2.1", HelpName = "version" };

    public ModelRegisterCommand(CliContext context) : base("register", "Register a model version from a local file or folder, or from a run", context)
    {
        Options.Add(name);
        Options.Add(path);
        Options.Add(run);
        Options.Add(tags);
        Options.Add(properties);
        Options.Add(description);
        Options.Add(framework);
        Options.Add(frameworkVersion);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var given = parseResult.GetRequiredValue(path);
        var runId = parseResult.GetValue(run);
        // A local path is checked before connecting, so a typo is a usage error whatever the server's state.
        if (runId is null && !File.Exists(given) && !Directory.Exists(given))
            throw new UsageException($"--path '{given}' is neither a file nor a folder (to register a run's artifacts, add --run RUN_ID).");
        var request = new RegisterModelRequest(parseResult.GetRequiredValue(name), parseResult.GetValue(description),
            ModelArguments.ToDictionary(parseResult.GetValue(tags)), ModelArguments.ToDictionary(parseResult.GetValue(properties)),
            parseResult.GetValue(framework), parseResult.GetValue(frameworkVersion));
        var json = IsJson(parseResult);
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            ModelDto? model = null;
            if (runId is not null)
                model = await client.Models.RegisterFromRunAsync(connection.Workspace, runId, given, request, cancellationToken: cancellationToken);
            else
                // Progress bars would mix into the JSON on a terminal.
                await (json ? UploadAsync(SilentTransfers.Instance) : Output.RunTransfersAsync(UploadAsync));
            if (json) Output.WriteJson(model);
            else Output.WriteDetails(ModelViews.Details(model!));

            async Task UploadAsync(ITransferReporter progress)
            {
                var bars = new SnapshotBars(progress, given);
                var options = new SnapshotUploadOptions
                {
                    Progress = bars.Report,
                };
                model = await client.Models.RegisterFromPathAsync(connection.Workspace, given, request, options, cancellationToken);
                bars.Complete();
            }
        }
        return ExitCodes.Ok;
    }
}
