using Loom.Serving;
using Microsoft.Extensions.Configuration;

namespace Loom.Server;

/// <summary>
/// Reads <see cref="ServerOptions"/>: command-line options over <c>LOOM_*</c> variables over <c>DATA/loom.json</c>. <c>--demo</c> is a
/// switch of the command line only. The OTLP endpoint falls back to OpenTelemetry's own <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.
/// </summary>
public static class ServerConfiguration
{
    private static readonly Dictionary<string, string> Switches = new()
    {
        ["--data"] = "Data", ["--urls"] = "Urls", ["--database"] = "Database", ["--agent-python"] = "AgentPython",
        ["--otlp-endpoint"] = "OtlpEndpoint",
    };

    private const string DemoSwitch = "--demo";

    public static ServerOptions Read(string[] args, IDictionary<string, string?>? environment = null)
    {
        // A switch without a value: the configuration's command-line reader would take the next option as its value.
        var demo = args.Contains(DemoSwitch, StringComparer.Ordinal);
        args = [.. args.Where(a => a != DemoSwitch)];
        foreach (var arg in args.Where(a => a.StartsWith("--", StringComparison.Ordinal)))
            if (!Switches.ContainsKey(arg.Split('=')[0]))
                throw new ArgumentException($"unknown option '{arg}' (use --data, --urls, --database, --agent-python, --otlp-endpoint, --demo)");
        IConfiguration Layered(string? jsonFile)
        {
            var builder = new ConfigurationBuilder();
            if (jsonFile is not null) builder.AddJsonFile(jsonFile, optional: true);
            if (environment is null) builder.AddEnvironmentVariables("LOOM_");
            else builder.AddInMemoryCollection(environment.Where(e => e.Key.StartsWith("LOOM_", StringComparison.Ordinal))
                .Select(e => KeyValuePair.Create(e.Key["LOOM_".Length..], e.Value)));
            return builder.AddCommandLine(args, Switches).Build();
        }
        // The data folder decides where loom.json is, so read it first without that file.
        var data = Layered(null)["Data"] is { Length: > 0 } d ? Path.GetFullPath(d) : ServerOptions.DefaultDataDirectory();
        var config = Layered(Path.Combine(data, "loom.json"));
        return new ServerOptions
        {
            DataDirectory = data,
            Urls = config["Urls"] is { Length: > 0 } urls ? urls : ServerOptions.DefaultUrls,
            Database = config["Database"] is { Length: > 0 } db ? db : null,
            AgentPython = (config["AgentPython"] ?? config["AGENT_PYTHON"]) is { Length: > 0 } python ? python : "python3",
            Demo = demo,
            Otlp = OtlpTarget.From((config["OtlpEndpoint"] ?? config["OTLP_ENDPOINT"]) is { Length: > 0 } otlp ? otlp : Variable(OtlpTarget.EndpointVariable),
                Variable(OtlpTarget.ProtocolVariable)),
        };
        string? Variable(string name) => environment is null ? Environment.GetEnvironmentVariable(name) : environment.TryGetValue(name, out var value) ? value : null;
    }
}
