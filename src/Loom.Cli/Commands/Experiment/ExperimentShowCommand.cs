using System.CommandLine;

namespace Loom.Cli.Commands.Experiment;

/// <summary><c>loom experiment show NAME</c>.</summary>
internal sealed class ExperimentShowCommand : LoomCommand
{
    private readonly Argument<string> name = new("name") { Description = "Experiment name" };

    public ExperimentShowCommand(CliContext context) : base("show", "Show an experiment", context)
    {
        Arguments.Add(name);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var experiment = await client.Experiments.GetAsync(connection.Workspace, parseResult.GetRequiredValue(name), cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(experiment);
            else Output.WriteDetails(ExperimentViews.Details(experiment));
        }
        return ExitCodes.Ok;
    }
}
