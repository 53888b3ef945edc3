using System.CommandLine;

namespace Loom.Cli.Commands.Experiment;

/// <summary><c>loom experiment</c>: the group of experiment commands.</summary>
internal sealed class ExperimentCommand : Command
{
    public ExperimentCommand(CliContext context) : base("experiment", "Browse experiments")
    {
        Subcommands.Add(new ExperimentListCommand(context));
        Subcommands.Add(new ExperimentShowCommand(context));
    }
}
