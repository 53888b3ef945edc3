using System.CommandLine;

namespace Loom.Cli.Commands.Token;

/// <summary><c>loom token</c>: the group of access token commands (admin token).</summary>
internal sealed class TokenCommand : Command
{
    public TokenCommand(CliContext context) : base("token", "Manage access tokens (admin)")
    {
        Subcommands.Add(new TokenCreateCommand(context));
        Subcommands.Add(new TokenListCommand(context));
        Subcommands.Add(new TokenRevokeCommand(context));
    }
}
