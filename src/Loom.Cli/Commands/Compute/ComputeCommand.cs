using System.CommandLine;

// The namespace is plural, like Commands.Environments, so a 'Compute' namespace never shadows a type or member of that name.
namespace Loom.Cli.Commands.Computes;

/// <summary><c>loom compute</c>: the group of compute target commands.</summary>
internal sealed class ComputeCommand : Command
{
    public static readonly Argument<string> ComputeName = new("name") { Description = "Compute target name" };

    public ComputeCommand(CliContext context) : base("compute", "Manage compute targets")
    {
        Subcommands.Add(new ComputeCreateCommand(context));
        Subcommands.Add(new ComputeListCommand(context));
        Subcommands.Add(new ComputeShowCommand(context));
        Subcommands.Add(new ComputeDeleteCommand(context));
    }
}
