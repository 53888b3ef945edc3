using System.CommandLine;

namespace Loom.Cli.Commands.Deployments;

/// <summary><c>loom deployment show NAME --endpoint E</c>: a deployment's models, sizing and state (with its error when it failed).</summary>
internal sealed class DeploymentShowCommand : LoomCommand
{
    private readonly Argument<string> name = new("name") { Description = "The deployment's name", HelpName = "name" };

    private readonly Option<string> endpoint = new("--endpoint", "-e") { Description = "The endpoint", HelpName = "name", Required = true };

    public DeploymentShowCommand(CliContext context) : base("show", "Show a deployment", context)
    {
        Arguments.Add(name);
        Options.Add(endpoint);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var deployment = await client.Endpoints.GetDeploymentAsync(connection.Workspace, parseResult.GetRequiredValue(endpoint),
                parseResult.GetRequiredValue(name), cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(deployment);
            else Output.WriteDetails(DeploymentViews.Details(deployment));
        }
        return ExitCodes.Ok;
    }
}
