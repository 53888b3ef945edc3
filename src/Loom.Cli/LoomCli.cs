using System.CommandLine;
using System.CommandLine.Invocation;
using Loom.Cli.Commands;
using Loom.Cli.Commands.Computes;
using Loom.Cli.Commands.Environments;
using Loom.Cli.Commands.Experiment;
using Loom.Cli.Commands.Login;
using Loom.Cli.Commands.Run;
using Loom.Cli.Commands.Server;
using Loom.Cli.Commands.Token;
using Loom.Cli.Commands.Workspace;

namespace Loom.Cli;

/// <summary>The <c>loom</c> command line: builds the command tree and runs it with Loom's exit codes.</summary>
public static class LoomCli
{
    /// <summary>Every command, wired to <paramref name="context"/>.</summary>
    public static RootCommand CreateRootCommand(CliContext context)
    {
        var root = new RootCommand("Loom: a self-hosted machine-learning workspace");
        CommonOptions.AddTo(root);
        root.Subcommands.Add(new LoginCommand(context));
        root.Subcommands.Add(new WorkspaceCommand(context));
        root.Subcommands.Add(new ExperimentCommand(context));
        root.Subcommands.Add(new RunCommand(context));
        root.Subcommands.Add(new EnvironmentCommand(context));
        root.Subcommands.Add(new Commands.Models.ModelCommand(context));
        root.Subcommands.Add(new Commands.Endpoints.EndpointCommand(context));
        root.Subcommands.Add(new Commands.Deployments.DeploymentCommand(context));
        root.Subcommands.Add(new ComputeCommand(context));
        root.Subcommands.Add(new TokenCommand(context));
        root.Subcommands.Add(new ServerCommand());
        root.Subcommands.Add(new Commands.Agents.AgentCommand(context));
        root.Subcommands.Add(new Commands.Serve.ServeCommand(context));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; a parse error exits with <see cref="ExitCodes.Usage"/>.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var parseResult = CreateRootCommand(context).Parse(args);
        if (IsBareGroup(parseResult))
        {
            // 'loom' or 'loom run' alone: the list of what can follow helps more than "required command".
            await CreateRootCommand(context).Parse([.. args, "--help"]).InvokeAsync(cancellationToken: cancellationToken);
            return ExitCodes.Usage;
        }
        // System.CommandLine exits parse errors with 1, which is Loom's "operation failed"; usage errors are 2.
        if (parseResult.Action is ParseErrorAction)
        {
            foreach (var error in parseResult.Errors) context.Output.WriteError($"error: {error.Message}");
            context.Output.WriteError($"See '{CommandPath(parseResult)} --help'.");
            return ExitCodes.Usage;
        }
        return await parseResult.InvokeAsync(cancellationToken: cancellationToken);
    }

    private static bool IsBareGroup(ParseResult parseResult) =>
        parseResult.Action is ParseErrorAction && parseResult.UnmatchedTokens.Count == 0
        && parseResult.CommandResult.Command is { Action: null, Subcommands.Count: > 0 }
        && parseResult.Errors.All(e => e.SymbolResult == parseResult.CommandResult);

    private static string CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, result.Command is RootCommand ? "loom" : result.Command.Name);
        return string.Join(' ', names);
    }
}
