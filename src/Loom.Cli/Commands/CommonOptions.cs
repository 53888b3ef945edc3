using System.CommandLine;
using Loom.Cli.Configuration;
using Loom.Cli.Output;

namespace Loom.Cli.Commands;

/// <summary>The options every command takes, declared once and placed on the root (recursive).</summary>
internal static class CommonOptions
{
    public static readonly Option<string> Url = Validated(new Option<string>("--url")
    {
        Description = $"Server URL (else LOOM_URL, else the profile, else {ConnectionResolver.DefaultUrl})",
        HelpName = "url",
        Recursive = true,
    });

    public static readonly Option<string> Token = new("--token")
    {
        Description = "API token (else LOOM_TOKEN, else the profile, else the local server's admin.token)",
        HelpName = "token",
        Recursive = true,
    };

    public static readonly Option<string> Workspace = new("--workspace", "-w")
    {
        Description = $"Workspace (else LOOM_WORKSPACE, else the profile, else '{ConnectionResolver.DefaultWorkspace}')",
        HelpName = "name",
        Recursive = true,
    };

    public static readonly Option<OutputFormat> Output = new("--output", "-o")
    {
        Description = "Output format: a table for people, JSON for scripts",
        HelpName = "table|json",
        DefaultValueFactory = _ => OutputFormat.Table,
        Recursive = true,
    };

    public static void AddTo(Command root)
    {
        root.Options.Add(Url);
        root.Options.Add(Token);
        root.Options.Add(Workspace);
        root.Options.Add(Output);
    }

    private static Option<string> Validated(Option<string> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && ConnectionResolver.ParseUrl(value) is null)
                result.AddError($"'{value}' is not an http(s) URL.");
        });
        return option;
    }
}
