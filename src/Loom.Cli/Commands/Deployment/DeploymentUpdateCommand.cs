using System.CommandLine;
using Loom.Cli.Commands.Models;
using Loom.Contracts;

namespace Loom.Cli.Commands.Deployments;

/// <summary>
/// <c>loom deployment update NAME --endpoint E [--model M[:V]]... [--source-dir DIR] [--entry-script F] ...</c>: the options given replace
/// the deployment's; the result is a new generation, proven while the previous one serves, and waited for as on create.
/// </summary>
internal sealed class DeploymentUpdateCommand : LoomCommand
{
    private readonly DeploymentOptions options = new();

    private readonly Argument<string> name = new("name") { Description = "The deployment's name", HelpName = "name" };

    public DeploymentUpdateCommand(CliContext context) : base("update", "Change a deployment: new models, source, environment or sizing", context)
    {
        Arguments.Add(name);
        options.AddTo(this);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var json = IsJson(parseResult);
        var script = parseResult.GetValue(options.EntryScript);
        var folder = parseResult.GetValue(options.SourceDir) ?? (script is null ? null : ".");
        var entryScript = script is null ? null : DeploymentOptions.ScriptInFolder(folder!, script);
        var sample = await options.SampleAsync(parseResult, cancellationToken);
        var models = parseResult.GetValue(options.Models) ?? [];
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var snapshot = folder is null ? null : await DeploymentOptions.SnapshotAsync(client, connection.Workspace, folder, Output, json, cancellationToken);
            var request = new UpdateDeploymentRequest(models.Length > 0 ? models : null, parseResult.GetValue(options.Environment), snapshot, entryScript,
                parseResult.GetValue(options.MinReplicas), parseResult.GetValue(options.MaxReplicas), parseResult.GetValue(options.Workers),
                parseResult.GetValue(options.MaxConcurrent), parseResult.GetValue(options.TimeoutMs), sample,
                ModelArguments.ToDictionary(parseResult.GetValue(options.Variables)));
            var started = await client.Endpoints.UpdateDeploymentAsync(connection.Workspace, parseResult.GetRequiredValue(options.Endpoint),
                parseResult.GetRequiredValue(name), request, cancellationToken);
            return await options.FinishAsync(parseResult, client, connection.Workspace, started, Output, json, cancellationToken);
        }
    }
}
