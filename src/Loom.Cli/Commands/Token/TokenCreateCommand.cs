using System.CommandLine;
using Loom.Cli.Output;
using Loom.Contracts;

namespace Loom.Cli.Commands.Token;

/// <summary>
/// <c>loom token create --name X [--workspace W|*] [--role R]</c>: prints the secret, the only time it is shown.
/// The workspace is only what <c>--workspace</c> says (else the server's default, all workspaces), never the profile's.
/// </summary>
internal sealed class TokenCreateCommand : LoomCommand
{
    private readonly Option<string> name = new("--name", "-n") { Description = "A name to recognise the token by", Required = true };

    private readonly Option<Role?> role = new("--role") { Description = "Role in the workspace (default Contributor)" };

    public TokenCreateCommand(CliContext context) : base("create", "Create an access token", context)
    {
        Options.Add(name);
        Options.Add(role);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var request = new CreateTokenRequest(parseResult.GetRequiredValue(name), parseResult.GetValue(CommonOptions.Workspace), parseResult.GetValue(role));
        var (client, _) = Connect(parseResult);
        using (client)
        {
            var token = await client.Tokens.CreateAsync(request, cancellationToken);
            if (IsJson(parseResult))
            {
                Output.WriteJson(token);
                return ExitCodes.Ok;
            }
            Output.WriteDetails(
            [
                new("Id", token.Id),
                new("Name", token.Name),
                new("Workspace", token.Workspace),
                new("Role", token.Role.ToString()),
                new("Token", token.Token),
            ]);
            Output.WriteError("Copy the token now: it is not shown again.");
        }
        return ExitCodes.Ok;
    }
}
