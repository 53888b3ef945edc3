using System.CommandLine;

namespace Loom.Cli.Commands.Run;

/// <summary><c>loom run cancel RUN</c>.</summary>
internal sealed class RunCancelCommand : LoomCommand
{
    public RunCancelCommand(CliContext context) : base("cancel", "Cancel a run", context)
    {
        Arguments.Add(RunCommand.RunId);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var run = await client.Runs.CancelAsync(connection.Workspace, parseResult.GetRequiredValue(RunCommand.RunId), cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(run);
            else Output.WriteLine($"Run {run.Id} is {run.Status}.");
        }
        return ExitCodes.Ok;
    }
}
