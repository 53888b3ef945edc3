using System.CommandLine;

namespace Loom.Cli.Commands.Workspace;

/// <summary><c>loom workspace show NAME</c>: the workspace with its experiment and run counts.</summary>
internal sealed class WorkspaceShowCommand : LoomCommand
{
    public WorkspaceShowCommand(CliContext context) : base("show", "Show a workspace", context)
    {
        Arguments.Add(WorkspaceCommand.WorkspaceName);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, _) = Connect(parseResult);
        using (client)
        {
            var workspace = await client.Workspaces.GetAsync(parseResult.GetRequiredValue(WorkspaceCommand.WorkspaceName), cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(workspace);
            else Output.WriteDetails(WorkspaceViews.Details(workspace));
        }
        return ExitCodes.Ok;
    }
}
