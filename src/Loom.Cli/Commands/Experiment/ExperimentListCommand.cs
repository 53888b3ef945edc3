using System.CommandLine;

namespace Loom.Cli.Commands.Experiment;

/// <summary><c>loom experiment list</c>.</summary>
internal sealed class ExperimentListCommand(CliContext context) : LoomCommand("list", "List the experiments of the workspace", context)
{
    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var experiments = await client.Experiments.ListAsync(connection.Workspace, cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(experiments);
            else Output.WriteTable(ExperimentViews.Table(experiments));
        }
        return ExitCodes.Ok;
    }
}
