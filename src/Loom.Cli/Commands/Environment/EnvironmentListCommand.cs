using System.CommandLine;

namespace Loom.Cli.Commands.Environments;

/// <summary><c>loom environment list</c>: every environment name with its latest version.</summary>
internal sealed class EnvironmentListCommand(CliContext context) : LoomCommand("list", "List the environments of the workspace", context)
{
    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var environments = await client.Environments.ListAsync(connection.Workspace, cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(environments);
            else Output.WriteTable(EnvironmentViews.Table(environments));
        }
        return ExitCodes.Ok;
    }
}
