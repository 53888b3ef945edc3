using System.CommandLine;
using Loom.Cli.Output;
using Loom.Contracts;

namespace Loom.Cli.Commands.Run;

/// <summary><c>loom run list [--experiment E] [--filter F] [--order-by O] [--max N]</c>, following page tokens up to N runs.</summary>
internal sealed class RunListCommand : LoomCommand
{
    private const int MaxPageSize = 1000;

    private readonly Option<string> experiment = new("--experiment", "-e") { Description = "Only runs of this experiment" };

    private readonly Option<string> filter = new("--filter", "-f")
    {
        Description = "Filter, e.g. \"metrics.loss < 0.2 and status = 'Completed'\"",
    };

    private readonly Option<string> orderBy = new("--order-by") { Description = "Order, e.g. \"metrics.loss asc\" (default: newest first)" };

    private readonly Option<int> max = new("--max") { Description = "Most runs to list", DefaultValueFactory = _ => 100 };

    public RunListCommand(CliContext context) : base("list", "List runs", context)
    {
        max.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--max must be at least 1.");
        });
        Options.Add(experiment);
        Options.Add(filter);
        Options.Add(orderBy);
        Options.Add(max);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var limit = parseResult.GetValue(max);
        var (client, connection) = Connect(parseResult);
        var runs = new List<RunDto>();
        using (client)
        {
            await foreach (var run in client.Runs.ListAllAsync(connection.Workspace, parseResult.GetValue(experiment), parseResult.GetValue(filter),
                parseResult.GetValue(orderBy), Math.Min(limit, MaxPageSize), cancellationToken: cancellationToken))
            {
                runs.Add(run);
                if (runs.Count == limit) break;
            }
        }
        if (IsJson(parseResult)) Output.WriteJson(runs);
        else Output.WriteTable(RunViews.Table(runs, Context.Time.GetUtcNow()));
        return ExitCodes.Ok;
    }
}
