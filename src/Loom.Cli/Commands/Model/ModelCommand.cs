using System.CommandLine;

namespace Loom.Cli.Commands.Models;

/// <summary><c>loom model</c>: the group of model registry commands.</summary>
internal sealed class ModelCommand : Command
{
    public ModelCommand(CliContext context) : base("model", "Register, find and download models")
    {
        Subcommands.Add(new ModelRegisterCommand(context));
        Subcommands.Add(new ModelListCommand(context));
        Subcommands.Add(new ModelShowCommand(context));
        Subcommands.Add(new ModelDownloadCommand(context));
        Subcommands.Add(new ModelUpdateCommand(context));
        Subcommands.Add(new ModelDeleteCommand(context));
    }
}
