using System.CommandLine;

// The namespace is plural: a 'Loom.Cli.Commands.Environment' namespace would hide System.Environment from every command.
namespace Loom.Cli.Commands.Environments;

/// <summary><c>loom environment</c>: the group of environment commands.</summary>
internal sealed class EnvironmentCommand : Command
{
    public EnvironmentCommand(CliContext context) : base("environment", "Register and browse environments")
    {
        Subcommands.Add(new EnvironmentCreateCommand(context));
        Subcommands.Add(new EnvironmentListCommand(context));
        Subcommands.Add(new EnvironmentShowCommand(context));
    }
}
