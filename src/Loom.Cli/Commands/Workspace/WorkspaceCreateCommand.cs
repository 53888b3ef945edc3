using System.CommandLine;
using Loom.Contracts;

namespace Loom.Cli.Commands.Workspace;

/// <summary><c>loom workspace create NAME [--description D]</c> (admin token).</summary>
internal sealed class WorkspaceCreateCommand : LoomCommand
{
    private static readonly Option<string> DescriptionOption = new("--description", "-d") { Description = "What the workspace is for" };

    public WorkspaceCreateCommand(CliContext context) : base("create", "Create a workspace", context)
    {
        Arguments.Add(WorkspaceCommand.WorkspaceName);
        Options.Add(DescriptionOption);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, _) = Connect(parseResult);
        using (client)
        {
            var request = new CreateWorkspaceRequest(parseResult.GetRequiredValue(WorkspaceCommand.WorkspaceName), parseResult.GetValue(DescriptionOption));
            var workspace = await client.Workspaces.CreateAsync(request, cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(workspace);
            else Output.WriteDetails(WorkspaceViews.Details(workspace));
        }
        return ExitCodes.Ok;
    }
}
