using System.CommandLine;

namespace Loom.Cli.Commands.Endpoints;

/// <summary><c>loom endpoint show NAME</c>: the scoring URI, traffic and deployments of an endpoint.</summary>
internal sealed class EndpointShowCommand : LoomCommand
{
    private readonly Argument<string> name = EndpointArguments.Name();

    public EndpointShowCommand(CliContext context) : base("show", "Show an endpoint: its scoring URI, traffic and deployments", context)
    {
        Arguments.Add(name);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var endpoint = await client.Endpoints.GetAsync(connection.Workspace, parseResult.GetRequiredValue(name), cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(endpoint);
            else Output.WriteDetails(EndpointViews.Details(endpoint));
        }
        return ExitCodes.Ok;
    }
}
