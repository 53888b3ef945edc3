using System.CommandLine;

namespace Loom.Cli.Commands.Endpoints;

/// <summary><c>loom endpoint list</c>: every endpoint of the workspace with its traffic.</summary>
internal sealed class EndpointListCommand : LoomCommand
{
    public EndpointListCommand(CliContext context) : base("list", "List the endpoints of the workspace", context)
    {
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var endpoints = await client.Endpoints.ListAsync(connection.Workspace, cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(endpoints);
            else Output.WriteTable(EndpointViews.Table(endpoints));
        }
        return ExitCodes.Ok;
    }
}
