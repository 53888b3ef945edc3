using System.CommandLine;

namespace Loom.Cli.Commands.Deployments;

/// <summary><c>loom deployment list --endpoint E</c>: an endpoint's deployments with their state.</summary>
internal sealed class DeploymentListCommand : LoomCommand
{
    private readonly Option<string> endpoint = new("--endpoint", "-e") { Description = "The endpoint", HelpName = "name", Required = true };

    public DeploymentListCommand(CliContext context) : base("list", "List an endpoint's deployments", context)
    {
        Options.Add(endpoint);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var deployments = await client.Endpoints.ListDeploymentsAsync(connection.Workspace, parseResult.GetRequiredValue(endpoint), cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(deployments);
            else Output.WriteTable(DeploymentViews.Table(deployments));
        }
        return ExitCodes.Ok;
    }
}
