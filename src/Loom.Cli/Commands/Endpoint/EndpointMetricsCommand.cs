using System.CommandLine;

namespace Loom.Cli.Commands.Endpoints;

/// <summary><c>loom endpoint metrics NAME [--minutes N]</c>: request rate, latency percentiles and errors over a window.</summary>
internal sealed class EndpointMetricsCommand : LoomCommand
{
    private readonly Argument<string> name = EndpointArguments.Name();

    private readonly Option<int?> minutes = new("--minutes", "-m") { Description = "The window: the last N minutes (default 60)", HelpName = "n" };

    public EndpointMetricsCommand(CliContext context) : base("metrics", "Show an endpoint's request rate, latency and errors", context)
    {
        Arguments.Add(name);
        Options.Add(minutes);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var endpoint = parseResult.GetRequiredValue(name);
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var metrics = await client.Endpoints.GetMetricsAsync(connection.Workspace, endpoint, parseResult.GetValue(minutes), cancellationToken);
            if (IsJson(parseResult))
            {
                Output.WriteJson(metrics);
                return ExitCodes.Ok;
            }
            Output.WriteDetails(EndpointViews.Metrics(endpoint, metrics));
            if (metrics.ByDeployment.Count > 0) Output.WriteTable(EndpointViews.ByDeployment(metrics));
            if (metrics.RecentErrors.Count > 0) Output.WriteTable(EndpointViews.RecentErrors(metrics));
        }
        return ExitCodes.Ok;
    }
}
