using System.CommandLine;

namespace Loom.Cli.Commands.Deployments;

/// <summary><c>loom deployment delete NAME --endpoint E</c>: stops and deletes a deployment that takes no traffic (or is the only one).</summary>
internal sealed class DeploymentDeleteCommand : LoomCommand
{
    private readonly Argument<string> name = new("name") { Description = "The deployment's name", HelpName = "name" };

    private readonly Option<string> endpoint = new("--endpoint", "-e") { Description = "The endpoint", HelpName = "name", Required = true };

    public DeploymentDeleteCommand(CliContext context) : base("delete", "Delete a deployment", context)
    {
        Arguments.Add(name);
        Options.Add(endpoint);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (endpointName, deployment) = (parseResult.GetRequiredValue(endpoint), parseResult.GetRequiredValue(name));
        var (client, connection) = Connect(parseResult);
        using (client)
            await client.Endpoints.DeleteDeploymentAsync(connection.Workspace, endpointName, deployment, cancellationToken);
        if (IsJson(parseResult)) Output.WriteJson(new Deleted(endpointName, deployment));
        else Output.WriteLine($"Deleted deployment {endpointName}/{deployment}.");
        return ExitCodes.Ok;
    }

    private sealed record Deleted(string Endpoint, string Name);
}
