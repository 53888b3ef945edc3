using Loom.Cli.Commands;
using System.CommandLine;

namespace Loom.Cli.Configuration;

/// <summary>
/// Resolves each setting from the option, else its <c>LOOM_*</c> variable, else the profile, else the local default
/// (for the token: the admin token a local server wrote into its data folder).
/// </summary>
internal sealed class ConnectionResolver(CliContext context)
{
    public const string DefaultUrl = "http://127.0.0.1:8765";
    public const string DefaultWorkspace = "default";

    public Connection Resolve(ParseResult parseResult)
    {
        var profile = new ProfileStore(context).Read();
        return new Connection(ResolveUrl(parseResult, profile), ResolveToken(parseResult, profile), ResolveWorkspace(parseResult, profile));
    }

    public Uri ResolveUrl(ParseResult parseResult, Profile? profile)
    {
        var (value, source) = First(
            (parseResult.GetValue(CommonOptions.Url), "--url"),
            (Env("LOOM_URL"), "LOOM_URL"),
            (profile?.Url, "the profile"),
            (DefaultUrl, "the default"));
        return ParseUrl(value!) ?? throw new UsageException($"'{value}' from {source} is not an http(s) URL");
    }

    public string ResolveToken(ParseResult parseResult, Profile? profile) =>
        First((parseResult.GetValue(CommonOptions.Token), ""), (Env("LOOM_TOKEN"), ""), (profile?.Token, ""), (ReadAdminToken(), "")).Value
        ?? throw new UsageException(
            "no token: pass --token, set LOOM_TOKEN, run 'loom login', or run 'loom server' on this machine (it writes admin.token)");

    public string ResolveWorkspace(ParseResult parseResult, Profile? profile) =>
        First((parseResult.GetValue(CommonOptions.Workspace), ""), (Env("LOOM_WORKSPACE"), ""), (profile?.Workspace, ""), (DefaultWorkspace, "")).Value!;

    /// <summary>An absolute http or https URL, or null.</summary>
    public static Uri? ParseUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url : null;

    private string? ReadAdminToken()
    {
        var data = Env("LOOM_DATA") is { } dir ? dir : Path.Combine(context.HomeDirectory, ".loom");
        var path = Path.Combine(data, "admin.token");
        try
        {
            return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } token ? token : null;
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's server: its token is not ours to use.
            return null;
        }
    }

    private string? Env(string name) => context.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static (string? Value, string Source) First(params (string? Value, string Source)[] candidates) =>
        candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.Value));
}
