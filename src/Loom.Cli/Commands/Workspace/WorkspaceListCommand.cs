using System.CommandLine;

namespace Loom.Cli.Commands.Workspace;

/// <summary><c>loom workspace list</c>.</summary>
internal sealed class WorkspaceListCommand(CliContext context) : LoomCommand("list", "List the workspaces the token can see", context)
{
    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, _) = Connect(parseResult);
        using (client)
        {
            var workspaces = await client.Workspaces.ListAsync(cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(workspaces);
            else Output.WriteTable(WorkspaceViews.Table(workspaces));
        }
        return ExitCodes.Ok;
    }
}
