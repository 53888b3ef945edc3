using System.CommandLine;

namespace Loom.Cli.Commands.Models;

/// <summary><c>loom model delete NAME:VERSION</c>: deletes one version; refused while a live deployment uses it.</summary>
internal sealed class ModelDeleteCommand : LoomCommand
{
    private readonly Argument<string> reference = ModelArguments.Reference("NAME:VERSION");

    public ModelDeleteCommand(CliContext context) : base("delete", "Delete a model version", context)
    {
        Arguments.Add(reference);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (name, version) = ModelArguments.Parse(parseResult.GetRequiredValue(reference), versionRequired: true);
        var (client, connection) = Connect(parseResult);
        using (client)
            await client.Models.DeleteAsync(connection.Workspace, name, version!.Value, cancellationToken);
        if (IsJson(parseResult)) Output.WriteJson(new Deleted(name, version.Value));
        else Output.WriteLine($"Deleted model {name}:{version}.");
        return ExitCodes.Ok;
    }

    private sealed record Deleted(string Name, int Version);
}
