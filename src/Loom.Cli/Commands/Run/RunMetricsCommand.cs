using System.CommandLine;
using Loom.Cli.Output;

namespace Loom.Cli.Commands.Run;

/// <summary><c>loom run metrics RUN</c>: the latest value of each metric; JSON is the API's answer as is.</summary>
internal sealed class RunMetricsCommand : LoomCommand
{
    public RunMetricsCommand(CliContext context) : base("metrics", "Show the latest value of each metric of a run", context)
    {
        Arguments.Add(RunCommand.RunId);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var metrics = await client.Metrics.GetLatestAsync(connection.Workspace, parseResult.GetRequiredValue(RunCommand.RunId), cancellationToken);
            if (IsJson(parseResult))
            {
                Output.WriteJson(metrics);
                return ExitCodes.Ok;
            }
            Output.WriteTable(new TableView(["Name", "Kind", "Value", "Step", "Count", "Time"],
                metrics.OrderBy(m => m.Key, StringComparer.Ordinal)
                    .Select(m => (IReadOnlyList<string>)[m.Key, m.Value.Kind, Formats.Json(m.Value.Value), Formats.Number(m.Value.Step),
                        Formats.Number(m.Value.Count), Formats.Time(m.Value.Timestamp)])
                    .ToList()));
        }
        return ExitCodes.Ok;
    }
}
