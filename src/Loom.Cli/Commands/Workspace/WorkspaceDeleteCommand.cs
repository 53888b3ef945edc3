using System.CommandLine;

namespace Loom.Cli.Commands.Workspace;

/// <summary><c>loom workspace delete NAME [--force]</c> (Owner).</summary>
internal sealed class WorkspaceDeleteCommand : LoomCommand
{
    private static readonly Option<bool> Force = new("--force", "-f") { Description = "Delete the workspace even when it holds runs" };

    public WorkspaceDeleteCommand(CliContext context) : base("delete", "Delete a workspace", context)
    {
        Arguments.Add(WorkspaceCommand.WorkspaceName);
        Options.Add(Force);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var name = parseResult.GetRequiredValue(WorkspaceCommand.WorkspaceName);
        var (client, _) = Connect(parseResult);
        using (client)
            await client.Workspaces.DeleteAsync(name, parseResult.GetValue(Force), cancellationToken);
        if (IsJson(parseResult)) Output.WriteJson(new { name, deleted = true });
        else Output.WriteLine($"Deleted workspace '{name}'.");
        return ExitCodes.Ok;
    }
}
