using System.CommandLine;
using Loom.Cli.Commands.Models;
using Loom.Contracts;

namespace Loom.Cli.Commands.Deployments;

/// <summary>
/// <c>loom deployment create --endpoint E --name N --model M[:V]... [--source-dir DIR --entry-script F] [--environment ENV] [--min-replicas N]
/// [--max-replicas N] [--workers N] [--sample-request FILE] [--timeout-ms MS] [--no-wait]</c>: uploads the source folder, deploys, and waits
/// until the deployment is proven; when the proof fails it prints the worker's init log and the error and exits 1.
/// </summary>
internal sealed class DeploymentCreateCommand : LoomCommand
{
    private readonly DeploymentOptions options = new();

    private readonly Option<string> name = new("--name", "-n") { Description = "The deployment's name (e.g. blue)", HelpName = "name", Required = true };

    public DeploymentCreateCommand(CliContext context) : base("create", "Deploy model versions behind an endpoint", context)
    {
        Options.Add(name);
        options.AddTo(this);
        Validators.Add(result =>
        {
            if ((result.GetValue(options.Models) ?? []).Length == 0 && result.GetValue(options.EntryScript) is null)
                result.AddError("Give the models to serve with --model name:version, and the scoring script with --entry-script.");
        });
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var json = IsJson(parseResult);
        var script = parseResult.GetValue(options.EntryScript);
        var folder = script is null ? parseResult.GetValue(options.SourceDir) : parseResult.GetValue(options.SourceDir) ?? ".";
        var entryScript = script is null ? null : DeploymentOptions.ScriptInFolder(folder!, script);
        var sample = await options.SampleAsync(parseResult, cancellationToken);
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var snapshot = folder is null ? null : await DeploymentOptions.SnapshotAsync(client, connection.Workspace, folder, Output, json, cancellationToken);
            var request = new CreateDeploymentRequest(parseResult.GetRequiredValue(name), parseResult.GetValue(options.Models) ?? [],
                parseResult.GetValue(options.Environment), snapshot, entryScript, parseResult.GetValue(options.MinReplicas),
                parseResult.GetValue(options.MaxReplicas), parseResult.GetValue(options.Workers), parseResult.GetValue(options.MaxConcurrent),
                parseResult.GetValue(options.TimeoutMs), sample, ModelArguments.ToDictionary(parseResult.GetValue(options.Variables)));
            var started = await client.Endpoints.CreateDeploymentAsync(connection.Workspace, parseResult.GetRequiredValue(options.Endpoint), request,
                Guid.NewGuid().ToString("N"), cancellationToken);
            return await options.FinishAsync(parseResult, client, connection.Workspace, started, Output, json, cancellationToken);
        }
    }
}
