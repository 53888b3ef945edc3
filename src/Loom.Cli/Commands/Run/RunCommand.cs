using System.CommandLine;

namespace Loom.Cli.Commands.Run;

/// <summary><c>loom run</c>: the group of run commands.</summary>
internal sealed class RunCommand : Command
{
    public static readonly Argument<string> RunId = new("run") { Description = "Run id" };

    public RunCommand(CliContext context) : base("run", "Browse and manage runs")
    {
        Subcommands.Add(new RunListCommand(context));
        Subcommands.Add(new RunShowCommand(context));
        Subcommands.Add(new RunMetricsCommand(context));
        Subcommands.Add(new RunLogsCommand(context));
        Subcommands.Add(new RunDownloadCommand(context));
        Subcommands.Add(new RunSubmitCommand(context));
        Subcommands.Add(new RunDownloadSnapshotCommand(context));
        Subcommands.Add(new RunTagCommand(context));
        Subcommands.Add(new RunCancelCommand(context));
    }
}
