using System.CommandLine;
using Loom.Contracts;

namespace Loom.Cli.Commands.Computes;

/// <summary><c>loom compute create NAME --type local|attached [--min-nodes N] [--max-nodes N] [--idle-seconds S] [--description D]</c>.</summary>
internal sealed class ComputeCreateCommand : LoomCommand
{
    // The type is passed through as written: the server names the supported types, and new ones need no CLI change.
    private static readonly Option<string> TypeOption = new("--type", "-t")
    {
        Description = "The compute type: local (agents started on the server's machine) or attached (agents you start)",
        HelpName = "local|attached",
        Required = true,
    };

    private static readonly Option<int?> MinNodesOption = new("--min-nodes") { Description = "Nodes kept running when idle (default 0)", HelpName = "N" };
    private static readonly Option<int?> MaxNodesOption = new("--max-nodes") { Description = "Most nodes, 1-1000 (default 1)", HelpName = "N" };
    private static readonly Option<int?> IdleSecondsOption = new("--idle-seconds") { Description = "Idle time before a node is stopped (default 120)", HelpName = "S" };
    private static readonly Option<string> DescriptionOption = new("--description", "-d") { Description = "What the target is for" };

    public ComputeCreateCommand(CliContext context) : base("create", "Create a compute target", context)
    {
        Arguments.Add(ComputeCommand.ComputeName);
        Options.Add(TypeOption);
        Options.Add(MinNodesOption);
        Options.Add(MaxNodesOption);
        Options.Add(IdleSecondsOption);
        Options.Add(DescriptionOption);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var request = new CreateComputeRequest(parseResult.GetRequiredValue(ComputeCommand.ComputeName), parseResult.GetRequiredValue(TypeOption),
            parseResult.GetValue(MinNodesOption), parseResult.GetValue(MaxNodesOption), parseResult.GetValue(IdleSecondsOption),
            parseResult.GetValue(DescriptionOption));
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var compute = await client.Computes.CreateAsync(connection.Workspace, request, Guid.NewGuid().ToString("N"), cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(compute);
            else Output.WriteDetails(ComputeViews.Details(compute));
        }
        return ExitCodes.Ok;
    }
}
