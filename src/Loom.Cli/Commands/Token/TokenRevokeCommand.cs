using System.CommandLine;

namespace Loom.Cli.Commands.Token;

/// <summary><c>loom token revoke ID</c>.</summary>
internal sealed class TokenRevokeCommand : LoomCommand
{
    private readonly Argument<string> id = new("id") { Description = "Token id (see 'loom token list')" };

    public TokenRevokeCommand(CliContext context) : base("revoke", "Revoke an access token", context)
    {
        Arguments.Add(id);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var tokenId = parseResult.GetRequiredValue(id);
        var (client, _) = Connect(parseResult);
        using (client)
            await client.Tokens.RevokeAsync(tokenId, cancellationToken);
        if (IsJson(parseResult)) Output.WriteJson(new { id = tokenId, revoked = true });
        else Output.WriteLine($"Revoked token {tokenId}.");
        return ExitCodes.Ok;
    }
}
