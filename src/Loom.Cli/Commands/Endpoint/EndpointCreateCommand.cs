using System.CommandLine;
using Loom.Cli.Commands.Models;
using Loom.Contracts;

namespace Loom.Cli.Commands.Endpoints;

/// <summary><c>loom endpoint create NAME [--auth key|token] [--description D] [--tag k=v]...</c>: an endpoint with fresh keys and no traffic.</summary>
internal sealed class EndpointCreateCommand : LoomCommand
{
    private readonly Argument<string> name = EndpointArguments.Name();

    private readonly Option<string> auth = new("--auth")
    {
        Description = "How callers authenticate: key (Authorization: Bearer <key>) or token (a Loom token)",
        HelpName = "key|token",
        DefaultValueFactory = _ => EndpointAuthModes.Key,
    };

    private readonly Option<string> description = new("--description", "-d") { Description = "What the endpoint is for", HelpName = "text" };

    private readonly Option<string[]> tags = ModelArguments.Pairs("--tag", "A tag, key=value (repeatable)");

    public EndpointCreateCommand(CliContext context) : base("create", "Create an online endpoint", context)
    {
        auth.AcceptOnlyFromAmong([.. EndpointAuthModes.All]);
        Arguments.Add(name);
        Options.Add(auth);
        Options.Add(description);
        Options.Add(tags);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var endpoint = await client.Endpoints.CreateAsync(connection.Workspace, new CreateEndpointRequest(parseResult.GetRequiredValue(name),
                parseResult.GetValue(auth), parseResult.GetValue(description), ModelArguments.ToDictionary(parseResult.GetValue(tags))),
                Guid.NewGuid().ToString("N"), cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(endpoint);
            else Output.WriteDetails(EndpointViews.Details(endpoint));
        }
        return ExitCodes.Ok;
    }
}
