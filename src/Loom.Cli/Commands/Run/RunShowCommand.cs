using System.CommandLine;
using Loom.Cli.Output;

namespace Loom.Cli.Commands.Run;

/// <summary><c>loom run show RUN</c>.</summary>
internal sealed class RunShowCommand : LoomCommand
{
    public RunShowCommand(CliContext context) : base("show", "Show a run", context)
    {
        Arguments.Add(RunCommand.RunId);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var run = await client.Runs.GetAsync(connection.Workspace, parseResult.GetRequiredValue(RunCommand.RunId), cancellationToken);
            if (IsJson(parseResult))
            {
                Output.WriteJson(run);
                return ExitCodes.Ok;
            }
            Output.WriteDetails(RunViews.Details(run, Context.Time.GetUtcNow()));
            foreach (var section in RunViews.Sections(run)) Output.WriteTable(section);
        }
        return ExitCodes.Ok;
    }
}
