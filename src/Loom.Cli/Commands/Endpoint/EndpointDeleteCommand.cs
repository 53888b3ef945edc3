using System.CommandLine;

namespace Loom.Cli.Commands.Endpoints;

/// <summary><c>loom endpoint delete NAME</c>: stops and deletes the endpoint's deployments, then the endpoint.</summary>
internal sealed class EndpointDeleteCommand : LoomCommand
{
    private readonly Argument<string> name = EndpointArguments.Name();

    public EndpointDeleteCommand(CliContext context) : base("delete", "Delete an endpoint with its deployments", context)
    {
        Arguments.Add(name);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var endpoint = parseResult.GetRequiredValue(name);
        var (client, connection) = Connect(parseResult);
        using (client)
            await client.Endpoints.DeleteAsync(connection.Workspace, endpoint, cancellationToken);
        if (IsJson(parseResult)) Output.WriteJson(new Deleted(endpoint));
        else Output.WriteLine($"Deleted endpoint {endpoint}.");
        return ExitCodes.Ok;
    }

    private sealed record Deleted(string Name);
}
