using System.CommandLine;

namespace Loom.Cli.Commands.Deployments;

/// <summary><c>loom deployment logs NAME --endpoint E [--lines N]</c>: the deployment's recent log (worker init output, errors).</summary>
internal sealed class DeploymentLogsCommand : LoomCommand
{
    private readonly Argument<string> name = new("name") { Description = "The deployment's name", HelpName = "name" };

    private readonly Option<string> endpoint = new("--endpoint", "-e") { Description = "The endpoint", HelpName = "name", Required = true };

    private readonly Option<int?> lines = new("--lines", "-n") { Description = "The last N lines (default 200)", HelpName = "n" };

    public DeploymentLogsCommand(CliContext context) : base("logs", "Show a deployment's recent log", context)
    {
        Arguments.Add(name);
        Options.Add(endpoint);
        Options.Add(lines);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var log = await client.Endpoints.GetDeploymentLogsAsync(connection.Workspace, parseResult.GetRequiredValue(endpoint),
                parseResult.GetRequiredValue(name), parseResult.GetValue(lines), cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(new Contracts.DeploymentLogsDto(log));
            else foreach (var line in log) Output.WriteLine(line);
        }
        return ExitCodes.Ok;
    }
}
