using System.CommandLine;
using Loom.Cli.Configuration;
using Loom.Cli.Output;
using Loom.Client;

namespace Loom.Cli.Commands;

/// <summary>
/// A leaf command: runs <see cref="ExecuteAsync"/> and maps failures to exit codes, so each command only says
/// what it does.
/// </summary>
internal abstract class LoomCommand : Command
{
    protected LoomCommand(string name, string description, CliContext context) : base(name, description)
    {
        Context = context;
        SetAction(InvokeAsync);
    }

    private Uri? server;

    protected CliContext Context { get; }

    protected IConsoleOutput Output => Context.Output;

    /// <summary>Does the command's work; returns an exit code from <see cref="ExitCodes"/>.</summary>
    public abstract Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken);

    protected static bool IsJson(ParseResult parseResult) => parseResult.GetValue(CommonOptions.Output) == OutputFormat.Json;

    /// <summary>The resolved connection and a client for it.</summary>
    protected (LoomClient Client, Connection Connection) Connect(ParseResult parseResult)
    {
        var connection = new ConnectionResolver(Context).Resolve(parseResult);
        server = connection.Url;
        return (Context.CreateClient(connection.Url, connection.Token), connection);
    }

    private async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            return await ExecuteAsync(parseResult, cancellationToken);
        }
        catch (LoomApiException e)
        {
            Output.WriteError($"error: {e.Detail} ({e.Code})");
            return ExitCodes.Failed;
        }
        catch (UsageException e)
        {
            Output.WriteError($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (HttpRequestException e)
        {
            var unreachable = e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
            Output.WriteError(unreachable && server is not null ? $"error: cannot reach the server at {server}: {e.Message}" : $"error: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Canceled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            Output.WriteError($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
