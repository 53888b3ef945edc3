using System.CommandLine;
using Loom.Server;

namespace Loom.Cli.Commands.Server;

/// <summary>
/// <c>loom server [--data DIR] [--urls URLS] [--database CS] [--agent-python PATH] [--otlp-endpoint URL] [--demo]</c>: runs the server in this process until
/// stopped; with <c>--demo</c> it also trains, registers and deploys the iris sample and prints a ready <c>loom endpoint invoke</c> line.
/// </summary>
internal sealed class ServerCommand : Command
{
    private readonly Option<string> data = new("--data") { Description = "Data folder (else LOOM_DATA, else ~/.loom)", HelpName = "dir" };

    private readonly Option<string> urls = new("--urls")
    {
        Description = $"Where to listen (else LOOM_URLS, else {ServerOptions.DefaultUrls}); port 0 picks a free port",
        HelpName = "urls",
    };

    private readonly Option<string> database = new("--database")
    {
        Description = "Metadata database: a PostgreSQL connection string, or a SQLite file (default: loom.db in the data folder)",
        HelpName = "cs",
    };

    private readonly Option<string> agentPython = new("--agent-python")
    {
        Description = "Interpreter the agents of local compute targets use (else LOOM_AGENT_PYTHON, else python3)",
        HelpName = "path",
    };

    private readonly Option<string> otlpEndpoint = new("--otlp-endpoint")
    {
        Description = "Export traces and metrics over OTLP to this collector, e.g. http://127.0.0.1:4318 (else LOOM_OTLP_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT; default: none)",
        HelpName = "url",
    };

    private readonly Option<bool> demo = new("--demo")
    {
        Description = "Once started, train the iris sample on a local compute target, deploy it as endpoint iris-demo and print how to call it",
    };

    public ServerCommand() : base("server", "Run the Loom server (REST API and the Studio) in this process")
    {
        Options.Add(data);
        Options.Add(urls);
        Options.Add(database);
        Options.Add(agentPython);
        Options.Add(otlpEndpoint);
        Options.Add(demo);
        SetAction(ExecuteAsync);
    }

    /// <summary>Hands the server its own options only: the CLI's global options mean nothing to it.</summary>
    public async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var args = new List<string>();
        foreach (var (option, value) in new[] { (data, parseResult.GetValue(data)), (urls, parseResult.GetValue(urls)), (database, parseResult.GetValue(database)),
                     (agentPython, parseResult.GetValue(agentPython)), (otlpEndpoint, parseResult.GetValue(otlpEndpoint)) })
            if (value is not null)
                args.AddRange([option.Name, value]);
        if (parseResult.GetValue(demo)) args.Add(demo.Name);
        return await LoomServer.RunAsync([.. args], cancellationToken);
    }
}
