using System.CommandLine;

namespace Loom.Cli.Commands.Environments;

/// <summary><c>loom environment create --file env.yml [--name N]</c>: registers a version (or finds the same latest one).</summary>
internal sealed class EnvironmentCreateCommand : LoomCommand
{
    private static readonly Option<FileInfo> FileOption = new("--file", "-f")
    {
        Description = "The environment's YAML file (name, description, tags, python, image, variables)",
        HelpName = "env.yml",
        Required = true,
    };

    private static readonly Option<string> NameOption = new("--name", "-n") { Description = "Name to register under, instead of the file's" };

    public EnvironmentCreateCommand(CliContext context) : base("create", "Register an environment version from a YAML file", context)
    {
        Options.Add(FileOption);
        Options.Add(NameOption);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        // The file is read before connecting, so a bad file is a usage error whatever the server's state.
        var request = EnvironmentFile.Read(parseResult.GetRequiredValue(FileOption).FullName, parseResult.GetValue(NameOption));
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var environment = await client.Environments.CreateAsync(connection.Workspace, request, Guid.NewGuid().ToString("N"), cancellationToken);
            if (IsJson(parseResult)) Output.WriteJson(environment);
            else Output.WriteDetails(EnvironmentViews.Details(environment));
        }
        return ExitCodes.Ok;
    }
}
