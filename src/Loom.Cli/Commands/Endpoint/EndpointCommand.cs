using System.CommandLine;

namespace Loom.Cli.Commands.Endpoints;

/// <summary><c>loom endpoint</c>: the group of online endpoint commands.</summary>
internal sealed class EndpointCommand : Command
{
    public EndpointCommand(CliContext context) : base("endpoint", "Create, call and watch online endpoints")
    {
        Subcommands.Add(new EndpointCreateCommand(context));
        Subcommands.Add(new EndpointListCommand(context));
        Subcommands.Add(new EndpointShowCommand(context));
        Subcommands.Add(new EndpointUpdateCommand(context));
        Subcommands.Add(new EndpointDeleteCommand(context));
        Subcommands.Add(new EndpointInvokeCommand(context));
        Subcommands.Add(new EndpointKeysCommand(context));
        Subcommands.Add(new EndpointLogsCommand(context));
        Subcommands.Add(new EndpointMetricsCommand(context));
    }
}
