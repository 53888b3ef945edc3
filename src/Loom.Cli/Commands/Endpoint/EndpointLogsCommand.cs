using System.CommandLine;

namespace Loom.Cli.Commands.Endpoints;

/// <summary><c>loom endpoint logs NAME [--deployment D] [--lines N]</c>: the recent log of each deployment (worker init output, errors).</summary>
internal sealed class EndpointLogsCommand : LoomCommand
{
    private readonly Argument<string> name = EndpointArguments.Name();

    private readonly Option<string> deployment = new("--deployment") { Description = "Only this deployment", HelpName = "name" };

    private readonly Option<int?> lines = new("--lines", "-n") { Description = "Lines per deployment (default 200)", HelpName = "n" };

    public EndpointLogsCommand(CliContext context) : base("logs", "Show the recent logs of an endpoint's deployments", context)
    {
        Arguments.Add(name);
        Options.Add(deployment);
        Options.Add(lines);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var endpoint = parseResult.GetRequiredValue(name);
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            IReadOnlyList<string> names = parseResult.GetValue(deployment) is { } one
                ? [one]
                : (await client.Endpoints.GetAsync(connection.Workspace, endpoint, cancellationToken)).Deployments;
            var logs = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var d in names)
                logs[d] = await client.Endpoints.GetDeploymentLogsAsync(connection.Workspace, endpoint, d, parseResult.GetValue(lines), cancellationToken);
            if (IsJson(parseResult))
            {
                Output.WriteJson(logs);
                return ExitCodes.Ok;
            }
            foreach (var (d, log) in logs)
            {
                if (logs.Count > 1) Output.WriteLine($"==> {endpoint}/{d} <==");
                foreach (var line in log) Output.WriteLine(line);
            }
        }
        return ExitCodes.Ok;
    }
}
