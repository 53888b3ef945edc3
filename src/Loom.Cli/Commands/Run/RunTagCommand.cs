using System.CommandLine;
using Loom.Cli.Output;
using Loom.Contracts;

namespace Loom.Cli.Commands.Run;

/// <summary><c>loom run tag RUN key=value ... [--remove key]</c>: sets and removes tags.</summary>
internal sealed class RunTagCommand : LoomCommand
{
    private readonly Argument<string[]> tags = new("tags")
    {
        Description = "Tags to set, as key=value",
        Arity = ArgumentArity.ZeroOrMore,
        HelpName = "key=value",
    };

    private readonly Option<string[]> remove = new("--remove", "-r") { Description = "A tag to remove (repeatable)", HelpName = "key" };

    public RunTagCommand(CliContext context) : base("tag", "Set or remove tags of a run", context)
    {
        Arguments.Add(RunCommand.RunId);
        Arguments.Add(tags);
        Options.Add(remove);
        Validators.Add(result =>
        {
            var given = result.GetValue(tags) ?? [];
            foreach (var tag in given.Where(t => t.IndexOf('=') < 1))
                result.AddError($"'{tag}' is not key=value.");
            if (given.Length == 0 && (result.GetValue(remove) ?? []).Length == 0)
                result.AddError("Give at least one key=value or --remove key.");
        });
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in parseResult.GetValue(tags) ?? [])
        {
            var split = tag.IndexOf('=');
            set[tag[..split]] = tag[(split + 1)..];
        }
        var removed = parseResult.GetValue(remove) ?? [];
        var request = new UpdateRunRequest(Tags: set.Count > 0 ? set : null, RemoveTags: removed.Length > 0 ? [.. removed] : null);

        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var run = await client.Runs.UpdateAsync(connection.Workspace, parseResult.GetRequiredValue(RunCommand.RunId), request, cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(run);
            else Output.WriteTable(RunViews.Pairs("Tags", run.Tags));
        }
        return ExitCodes.Ok;
    }
}
