using System.CommandLine;

namespace Loom.Cli.Commands.Deployments;

/// <summary><c>loom deployment</c>: the group of commands for an endpoint's deployments.</summary>
internal sealed class DeploymentCommand : Command
{
    public DeploymentCommand(CliContext context) : base("deployment", "Deploy models behind an endpoint and manage the deployments")
    {
        Subcommands.Add(new DeploymentCreateCommand(context));
        Subcommands.Add(new DeploymentListCommand(context));
        Subcommands.Add(new DeploymentShowCommand(context));
        Subcommands.Add(new DeploymentUpdateCommand(context));
        Subcommands.Add(new DeploymentDeleteCommand(context));
        Subcommands.Add(new DeploymentLogsCommand(context));
    }
}
