using System.CommandLine;

namespace Loom.Cli.Commands.Computes;

/// <summary><c>loom compute delete NAME</c>.</summary>
internal sealed class ComputeDeleteCommand : LoomCommand
{
    public ComputeDeleteCommand(CliContext context) : base("delete", "Delete a compute target", context)
    {
        Arguments.Add(ComputeCommand.ComputeName);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var name = parseResult.GetRequiredValue(ComputeCommand.ComputeName);
        var (client, connection) = Connect(parseResult);
        using (client)
            await client.Computes.DeleteAsync(connection.Workspace, name, cancellationToken);
        if (IsJson(parseResult)) Output.WriteJson(new { name, deleted = true });
        else Output.WriteLine($"Deleted compute target '{name}'.");
        return ExitCodes.Ok;
    }
}
