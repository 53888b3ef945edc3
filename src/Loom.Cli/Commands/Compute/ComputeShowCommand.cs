using System.CommandLine;

namespace Loom.Cli.Commands.Computes;

/// <summary><c>loom compute show NAME</c>.</summary>
internal sealed class ComputeShowCommand : LoomCommand
{
    public ComputeShowCommand(CliContext context) : base("show", "Show a compute target", context)
    {
        Arguments.Add(ComputeCommand.ComputeName);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var name = parseResult.GetRequiredValue(ComputeCommand.ComputeName);
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var compute = await client.Computes.GetAsync(connection.Workspace, name, cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(compute);
            else Output.WriteDetails(ComputeViews.Details(compute));
        }
        return ExitCodes.Ok;
    }
}
