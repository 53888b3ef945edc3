using System.CommandLine;
using Loom.Cli.Output;

namespace Loom.Cli.Commands.Token;

/// <summary><c>loom token list</c>: tokens without their secrets.</summary>
internal sealed class TokenListCommand(CliContext context) : LoomCommand("list", "List access tokens", context)
{
    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, _) = Connect(parseResult);
        using (client)
        {
            var tokens = await client.Tokens.ListAsync(cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(tokens);
            else
                Output.WriteTable(new TableView(["Id", "Name", "Workspace", "Role", "Created", "Last used", "Revoked"],
                    tokens.Select(t => (IReadOnlyList<string>)[t.Id, t.Name, t.Workspace, t.Admin ? "Admin" : t.Role.ToString(),
                        Formats.Time(t.CreatedTime), Formats.Time(t.LastUsedTime), t.Revoked ? "yes" : ""]).ToList()));
        }
        return ExitCodes.Ok;
    }
}
