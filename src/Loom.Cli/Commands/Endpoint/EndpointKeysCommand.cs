using System.CommandLine;
using Loom.Contracts;

namespace Loom.Cli.Commands.Endpoints;

/// <summary><c>loom endpoint keys NAME [--regenerate primary|secondary]</c>: the keys scoring callers send as <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
internal sealed class EndpointKeysCommand : LoomCommand
{
    private readonly Argument<string> name = EndpointArguments.Name();

    private readonly Option<string> regenerate = new("--regenerate") { Description = "Replace this key first (the other keeps working)", HelpName = "primary|secondary" };

    public EndpointKeysCommand(CliContext context) : base("keys", "Show an endpoint's keys, or regenerate one", context)
    {
        regenerate.AcceptOnlyFromAmong(EndpointKeyTypes.Primary, EndpointKeyTypes.Secondary);
        Arguments.Add(name);
        Options.Add(regenerate);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var endpoint = parseResult.GetRequiredValue(name);
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var keys = parseResult.GetValue(regenerate) is { } keyType
                ? await client.Endpoints.RegenerateKeyAsync(connection.Workspace, endpoint, keyType, cancellationToken)
                : await client.Endpoints.GetKeysAsync(connection.Workspace, endpoint, cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(keys);
            else Output.WriteDetails(EndpointViews.Keys(keys));
        }
        return ExitCodes.Ok;
    }
}
