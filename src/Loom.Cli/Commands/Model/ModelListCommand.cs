using System.CommandLine;

namespace Loom.Cli.Commands.Models;

/// <summary><c>loom model list [--name N] [--tag k=v]... [--all-versions]</c>: the latest matching version of each model.</summary>
internal sealed class ModelListCommand : LoomCommand
{
    private readonly Option<string> name = new("--name", "-n") { Description = "Only this model", HelpName = "name" };

    private readonly Option<string[]> tags = new("--tag") { Description = "Only models with this tag, key=value or key (repeatable; all must hold)", HelpName = "key[=value]" };

    private readonly Option<bool> allVersions = new("--all-versions") { Description = "Every matching version, not only the latest of each name" };

    public ModelListCommand(CliContext context) : base("list", "List the models of the workspace", context)
    {
        Options.Add(name);
        Options.Add(tags);
        Options.Add(allVersions);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var models = new List<Contracts.ModelDto>();
            await foreach (var model in client.Models.ListAllAsync(connection.Workspace, parseResult.GetValue(name), parseResult.GetValue(tags),
                               parseResult.GetValue(allVersions), cancellationToken))
                models.Add(model);
            if (IsJson(parseResult)) Output.WriteJson(models);
            else Output.WriteTable(ModelViews.Table(models));
        }
        return ExitCodes.Ok;
    }
}
