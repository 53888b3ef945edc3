using System.CommandLine;

namespace Loom.Cli.Commands.Computes;

/// <summary><c>loom compute list</c>: every compute target of the workspace.</summary>
internal sealed class ComputeListCommand(CliContext context) : LoomCommand("list", "List the compute targets of the workspace", context)
{
    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var computes = await client.Computes.ListAsync(connection.Workspace, cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(computes);
            else Output.WriteTable(ComputeViews.Table(computes));
        }
        return ExitCodes.Ok;
    }
}
