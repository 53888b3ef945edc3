using System.CommandLine;
using System.Globalization;

namespace Loom.Cli.Commands.Environments;

/// <summary><c>loom environment show NAME[:VERSION]</c> (also <c>NAME@latest</c>).</summary>
internal sealed class EnvironmentShowCommand : LoomCommand
{
    private readonly Argument<string> reference = new("name") { Description = "NAME, NAME:VERSION or NAME@latest", HelpName = "name[:version]" };

    public EnvironmentShowCommand(CliContext context) : base("show", "Show an environment version (the latest by default)", context)
    {
        Arguments.Add(reference);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (name, version) = Parse(parseResult.GetRequiredValue(reference));
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var environment = await client.Environments.GetAsync(connection.Workspace, name, version, cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(environment);
            else Output.WriteDetails(EnvironmentViews.Details(environment));
        }
        return ExitCodes.Ok;
    }

    /// <summary>Splits <c>name:3</c>, <c>name:latest</c> or <c>name@latest</c>; a bare name means the latest version.</summary>
    internal static (string Name, int? Version) Parse(string text)
    {
        var at = text.LastIndexOfAny([':', '@']);
        if (at < 0) return (text, null);
        var (name, version) = (text[..at], text[(at + 1)..]);
        if (name.Length == 0) throw new UsageException($"'{text}' has no environment name; use NAME, NAME:VERSION or NAME@latest.");
        if (version.Equals("latest", StringComparison.OrdinalIgnoreCase)) return (name, null);
        if (text[at] == ':' && int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0) return (name, number);
        throw new UsageException($"'{text}' is not NAME, NAME:VERSION (a positive number) or NAME@latest.");
    }
}
