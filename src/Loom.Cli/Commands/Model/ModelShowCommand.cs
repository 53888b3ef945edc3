using System.CommandLine;

namespace Loom.Cli.Commands.Models;

/// <summary><c>loom model show NAME[:VERSION]</c> (also <c>NAME@latest</c>).</summary>
internal sealed class ModelShowCommand : LoomCommand
{
    private readonly Argument<string> reference = ModelArguments.Reference("NAME, NAME:VERSION or NAME@latest");

    public ModelShowCommand(CliContext context) : base("show", "Show a model version (the latest by default)", context)
    {
        Arguments.Add(reference);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (name, version) = ModelArguments.Parse(parseResult.GetRequiredValue(reference), versionRequired: false);
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var model = await client.Models.GetAsync(connection.Workspace, name, version, cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(model);
            else Output.WriteDetails(ModelViews.Details(model));
        }
        return ExitCodes.Ok;
    }
}
