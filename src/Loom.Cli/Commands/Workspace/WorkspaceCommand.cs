using System.CommandLine;

namespace Loom.Cli.Commands.Workspace;

/// <summary><c>loom workspace</c>: the group of workspace commands.</summary>
internal sealed class WorkspaceCommand : Command
{
    public static readonly Argument<string> WorkspaceName = new("name") { Description = "Workspace name" };

    public WorkspaceCommand(CliContext context) : base("workspace", "Manage workspaces")
    {
        Subcommands.Add(new WorkspaceListCommand(context));
        Subcommands.Add(new WorkspaceCreateCommand(context));
        Subcommands.Add(new WorkspaceShowCommand(context));
        Subcommands.Add(new WorkspaceDeleteCommand(context));
    }
}
