using System.CommandLine;
using Loom.Cli.Commands.Models;
using Loom.Contracts;

namespace Loom.Cli.Commands.Endpoints;

/// <summary><c>loom endpoint update NAME [--traffic blue=90,green=10] [--description D] [--tag k=v]...</c>.</summary>
internal sealed class EndpointUpdateCommand : LoomCommand
{
    private readonly Argument<string> name = EndpointArguments.Name();

    private readonly Option<string[]> traffic = EndpointArguments.Traffic();

    private readonly Option<string> description = new("--description", "-d") { Description = "A new description (\"\" clears it)", HelpName = "text" };

    private readonly Option<string[]> tags = ModelArguments.Pairs("--tag", "A tag, key=value (repeatable; the tags given replace all)");

    public EndpointUpdateCommand(CliContext context) : base("update", "Change an endpoint's traffic split, description or tags", context)
    {
        Arguments.Add(name);
        Options.Add(traffic);
        Options.Add(description);
        Options.Add(tags);
        Validators.Add(result =>
        {
            if ((result.GetValue(traffic) ?? []).Length == 0 && result.GetValue(description) is null && (result.GetValue(tags) ?? []).Length == 0)
                result.AddError("Give --traffic name=weight,..., --description or --tag.");
        });
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var request = new UpdateEndpointRequest(EndpointArguments.Parse(parseResult.GetValue(traffic)), parseResult.GetValue(description),
            ModelArguments.ToDictionary(parseResult.GetValue(tags)));
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var endpoint = await client.Endpoints.UpdateAsync(connection.Workspace, parseResult.GetRequiredValue(name), request, cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(endpoint);
            else Output.WriteDetails(EndpointViews.Details(endpoint));
        }
        return ExitCodes.Ok;
    }
}
