using System.CommandLine;
using System.Globalization;
using Loom.Cli.Configuration;
using Loom.Serving;
using Loom.Serving.Standalone;

namespace Loom.Cli.Commands.Serve;

/// <summary>
/// <c>loom serve --deployment ENDPOINT/DEPLOYMENT [--urls URLS] [--python PATH] [--cache DIR] [--otlp-endpoint URL]</c> (with the usual <c>--url</c>,
/// <c>--token</c>, <c>--workspace</c>): serves one deployment in this process, the scale-out form of the server's endpoint host. It reads
/// the deployment through the API, proves it, prints "Serving ENDPOINT/DEPLOYMENT on URL" and answers <c>POST /score</c>, <c>GET /</c> and
/// <c>GET /swagger.json</c> with the endpoint's auth until SIGTERM or Ctrl+C (exit 0), following the deployment's updates and sending
/// every call it answered to the endpoint's telemetry on the server. A failed proof prints the workers' init log and exits 1.
/// </summary>
internal sealed class ServeCommand : LoomCommand
{
    private readonly Option<string> deployment = new("--deployment", "-d")
    {
        Description = "The deployment to serve, as ENDPOINT/DEPLOYMENT (e.g. iris/blue)",
        HelpName = "endpoint/deployment",
        Required = true,
    };

    private readonly Option<string> urls = new("--urls")
    {
        Description = $"Where to listen (default {StandaloneOptions.DefaultUrls}); port 0 picks a free port",
        HelpName = "urls",
    };

    private readonly Option<string> python = new("--python")
    {
        Description = "Python of the 'system' environment, and the one venvs are made from (default python3 on PATH)",
        HelpName = "path",
    };

    private readonly Option<string> otlpEndpoint = new("--otlp-endpoint")
    {
        Description = "Export traces and metrics over OTLP to this collector, e.g. http://127.0.0.1:4318 (else OTEL_EXPORTER_OTLP_ENDPOINT; default: none)",
        HelpName = "url",
    };

    private readonly Option<string> cache = new("--cache") { Description = "Venv cache (default ~/.cache/loom/agent, shared with loom agent)", HelpName = "dir" };

    public ServeCommand(CliContext context) : base("serve", "Serve one deployment in this process (the scale-out form of the server's endpoint host)", context)
    {
        Options.Add(deployment);
        Options.Add(urls);
        Options.Add(python);
        Options.Add(cache);
        Options.Add(otlpEndpoint);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux()) throw new UsageException("loom serve runs on Linux only");
        return await RunAsync(parseResult, cancellationToken);
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var names = parseResult.GetRequiredValue(deployment).Split('/');
        if (names.Length != 2 || names.Any(string.IsNullOrWhiteSpace))
            throw new UsageException($"--deployment takes ENDPOINT/DEPLOYMENT (e.g. iris/blue), not '{parseResult.GetRequiredValue(deployment)}'");
        var connection = new ConnectionResolver(Context).Resolve(parseResult);
        OtlpTarget? otlp;
        try
        {
            otlp = OtlpTarget.From(parseResult.GetValue(otlpEndpoint) ?? Context.GetEnvironmentVariable(OtlpTarget.EndpointVariable),
                Context.GetEnvironmentVariable(OtlpTarget.ProtocolVariable));
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        var options = new StandaloneOptions
        {
            Server = connection.Url,
            Token = connection.Token,
            Workspace = connection.Workspace,
            Endpoint = names[0],
            Deployment = names[1],
            Urls = parseResult.GetValue(urls) ?? StandaloneOptions.DefaultUrls,
            Python = parseResult.GetValue(python) ?? "python3",
            CacheDirectory = parseResult.GetValue(cache) is { } dir ? Path.GetFullPath(dir) : null,
            // Like LOOM_AGENT_HEARTBEAT_SECONDS: a knob for tests and impatient operators, not an option.
            RefreshInterval = Seconds("LOOM_SERVE_REFRESH_SECONDS") ?? StandaloneOptions.DefaultRefreshInterval,
            TelemetryInterval = Seconds("LOOM_SERVE_TELEMETRY_SECONDS") ?? StandaloneOptions.DefaultTelemetryInterval,
            Otlp = otlp,
            Log = Log,
        };
        return await UntilSignaled.RunAsync(stop => ServeAsync(options, stop), "loom-serve", cancellationToken);
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private async Task<int> ServeAsync(StandaloneOptions options, CancellationToken stop)
    {
        await using var host = await StandaloneHost.StartAsync(options, stop);
        var url = host.Url.GetLeftPart(UriPartial.Authority);
        Log($"listening on {url}; proving {host.Name}");
        Loom.Core.Serving.DeploymentProof proof;
        try
        {
            proof = await host.ProveAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ExitCodes.Canceled;
        }
        if (!proof.Succeeded)
        {
            Output.WriteError($"error: {host.Name} failed its proof: {proof.Error}");
            if (!string.IsNullOrWhiteSpace(proof.InitLog)) Output.WriteError($"init log:\n{proof.InitLog.TrimEnd()}");
            return ExitCodes.Failed;
        }
        Output.WriteLine($"Serving {host.Name} on {url}");
        await host.FollowAsync(stop);
        Log($"stopping {host.Name}");
        return ExitCodes.Ok;
    }

    private TimeSpan? Seconds(string variable) =>
        double.TryParse(Context.GetEnvironmentVariable(variable), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private void Log(string line) => Output.WriteError($"{DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} loom serve: {line}");
}
