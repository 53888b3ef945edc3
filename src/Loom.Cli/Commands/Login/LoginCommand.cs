using System.CommandLine;
using Loom.Cli.Configuration;

namespace Loom.Cli.Commands.Login;

/// <summary><c>loom login --url URL --token TOKEN [--workspace W]</c>: checks the token and writes the profile.</summary>
internal sealed class LoginCommand : LoomCommand
{
    private static readonly Option<bool> NoVerify = new("--no-verify")
    {
        Description = "Write the profile without checking the token against the server",
    };

    public LoginCommand(CliContext context) : base("login", "Save the server URL, token and workspace to the profile", context)
    {
        Options.Add(NoVerify);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var resolver = new ConnectionResolver(Context);
        var url = resolver.ResolveUrl(parseResult, profile: null);
        var token = parseResult.GetValue(CommonOptions.Token) ?? Context.GetEnvironmentVariable("LOOM_TOKEN");
        if (string.IsNullOrWhiteSpace(token)) throw new UsageException("loom login needs --token (or LOOM_TOKEN)");
        var workspace = parseResult.GetValue(CommonOptions.Workspace);

        if (!parseResult.GetValue(NoVerify))
        {
            using var client = Context.CreateClient(url, token);
            if (workspace is null) await client.Workspaces.ListAsync(cancellationToken);
            else await client.Workspaces.GetAsync(workspace, cancellationToken);
        }

        var store = new ProfileStore(Context);
        store.Write(new Profile(url.ToString(), token, workspace));
        if (IsJson(parseResult)) Output.WriteJson(new { url, workspace, profile = store.Path });
        else Output.WriteLine($"Logged in to {url}{(workspace is null ? "" : $" (workspace '{workspace}')")}; profile written to {store.Path}");
        return ExitCodes.Ok;
    }
}
