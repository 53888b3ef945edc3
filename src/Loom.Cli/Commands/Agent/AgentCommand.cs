using System.CommandLine;
using System.Globalization;
using Loom.Agent;
using Loom.Cli.Configuration;

// Plural like Commands.Computes, so the namespace never shadows the Loom.Agent project's.
namespace Loom.Cli.Commands.Agents;

/// <summary>
/// <c>loom agent --compute NAME [--python PATH] [--cache DIR] [--work DIR] [--host NAME]</c>: registers with a compute
/// target and runs its jobs until stopped (SIGTERM or Ctrl+C: the current job is stopped and reported, the agent
/// leaves, exit 0). With <c>LOOM_AGENT_ID</c> and <c>LOOM_AGENT_TOKEN</c> set it uses that identity instead of registering.
/// </summary>
internal sealed class AgentCommand : LoomCommand
{

    private static readonly Option<string> ComputeOption = new("--compute", "-c")
    {
        Description = "The compute target to serve (not needed with LOOM_AGENT_ID and LOOM_AGENT_TOKEN)",
        HelpName = "name",
    };

    private static readonly Option<string> PythonOption = new("--python")
    {
        Description = "The agent's Python: runs the 'system' environment and makes venvs for 'python3' (default python3 on PATH)",
        HelpName = "path",
    };

    private static readonly Option<string> CacheOption = new("--cache") { Description = "Snapshot and venv cache (default ~/.cache/loom/agent)", HelpName = "dir" };
    private static readonly Option<string> WorkOption = new("--work") { Description = "Where jobs run (default <cache>/work)", HelpName = "dir" };
    private static readonly Option<string> HostOption = new("--host") { Description = "Host name reported to the server (default: the machine name)", HelpName = "name" };

    public AgentCommand(CliContext context) : base("agent", "Run an agent: take jobs of a compute target and run them", context)
    {
        Options.Add(ComputeOption);
        Options.Add(PythonOption);
        Options.Add(CacheOption);
        Options.Add(WorkOption);
        Options.Add(HostOption);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux()) throw new UsageException("loom agent runs on Linux only");
        var resolver = new ConnectionResolver(Context);
        var profile = new ProfileStore(Context).Read();
        var agentId = Env("LOOM_AGENT_ID");
        var agentToken = Env("LOOM_AGENT_TOKEN");
        var preset = agentId is not null && agentToken is not null;
        var compute = parseResult.GetValue(ComputeOption);
        if (!preset && string.IsNullOrWhiteSpace(compute)) throw new UsageException("--compute is required: the compute target whose jobs to run");
        var cache = Path.GetFullPath(parseResult.GetValue(CacheOption) ?? Path.Combine(Context.HomeDirectory, ".cache", "loom", "agent"));
        var options = new AgentOptions
        {
            ServerUrl = resolver.ResolveUrl(parseResult, profile),
            Workspace = resolver.ResolveWorkspace(parseResult, profile),
            Token = preset ? null : resolver.ResolveToken(parseResult, profile),
            Compute = compute,
            AgentId = preset ? agentId : null,
            AgentToken = preset ? agentToken : null,
            HeartbeatSeconds = int.TryParse(Env("LOOM_AGENT_HEARTBEAT_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var beat) && beat > 0
                ? beat : null,
            Python = parseResult.GetValue(PythonOption) ?? "python3",
            CacheDirectory = cache,
            WorkDirectory = parseResult.GetValue(WorkOption) is { } work ? Path.GetFullPath(work) : null,
            Host = parseResult.GetValue(HostOption) ?? Environment.MachineName,
            Log = line => Output.WriteError($"{DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} loom agent: {line}"),
        };
        return await UntilSignaled.RunAsync(new AgentHost(options).RunAsync, "loom-agent", cancellationToken);
    }

    private string? Env(string name) => Context.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
