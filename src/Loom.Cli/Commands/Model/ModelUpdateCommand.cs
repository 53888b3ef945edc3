using System.CommandLine;
using Loom.Contracts;

namespace Loom.Cli.Commands.Models;

/// <summary><c>loom model update NAME:VERSION [--tag k=v]... [--remove-tag k]... [--description D]</c>: changes tags and the description.</summary>
internal sealed class ModelUpdateCommand : LoomCommand
{
    private readonly Argument<string> reference = ModelArguments.Reference("NAME:VERSION");

    private readonly Option<string[]> tags = ModelArguments.Pairs("--tag", "A tag to set, key=value (repeatable)");

    private readonly Option<string[]> removeTags = new("--remove-tag") { Description = "A tag to remove (repeatable)", HelpName = "key" };

    private readonly Option<string> description = new("--description", "-d") { Description = "A new description (\"\" clears it)", HelpName = "text" };

    public ModelUpdateCommand(CliContext context) : base("update", "Change the tags or description of a model version", context)
    {
        Arguments.Add(reference);
        Options.Add(tags);
        Options.Add(removeTags);
        Options.Add(description);
        Validators.Add(result =>
        {
            if ((result.GetValue(tags) ?? []).Length == 0 && (result.GetValue(removeTags) ?? []).Length == 0 && result.GetValue(description) is null)
                result.AddError("Give at least one --tag key=value, --remove-tag key or --description.");
        });
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (name, version) = ModelArguments.Parse(parseResult.GetRequiredValue(reference), versionRequired: true);
        var removed = parseResult.GetValue(removeTags) ?? [];
        var request = new UpdateModelRequest(ModelArguments.ToDictionary(parseResult.GetValue(tags)), removed.Length > 0 ? [.. removed] : null,
            parseResult.GetValue(description));
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var model = await client.Models.UpdateAsync(connection.Workspace, name, version, request, cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(model);
            else Output.WriteDetails(ModelViews.Details(model));
        }
        return ExitCodes.Ok;
    }
}
