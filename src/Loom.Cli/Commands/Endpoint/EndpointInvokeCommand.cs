using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace Loom.Cli.Commands.Endpoints;

/// <summary>
/// <c>loom endpoint invoke NAME (--data JSON | --file F) [--deployment D]</c>: scores a request as a caller of the scoring URI would
/// (with the endpoint's key, or the CLI's token for a token endpoint) and prints the answer as it came.
/// </summary>
internal sealed class EndpointInvokeCommand : LoomCommand
{
    private readonly Argument<string> name = EndpointArguments.Name();

    private readonly Option<string> data = new("--data") { Description = "The request body, e.g. '{\"data\": [[5.1, 3.5, 1.4, 0.2]]}'", HelpName = "json" };

    private readonly Option<string> file = new("--file", "-f") { Description = "A file holding the request body", HelpName = "file" };

    private readonly Option<string> deployment = new("--deployment") { Description = "Send to this deployment, whatever the traffic split says", HelpName = "name" };

    public EndpointInvokeCommand(CliContext context) : base("invoke", "Score a request on an endpoint", context)
    {
        Arguments.Add(name);
        Options.Add(data);
        Options.Add(file);
        Options.Add(deployment);
        Validators.Add(result =>
        {
            if ((result.GetValue(data) is null) == (result.GetValue(file) is null)) result.AddError("Give the request with either --data or --file.");
        });
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var body = parseResult.GetValue(file) is { } path
            ? await File.ReadAllBytesAsync(path, cancellationToken)
            : Encoding.UTF8.GetBytes(parseResult.GetValue(data)!);
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var answer = await client.Endpoints.InvokeAsync(connection.Workspace, parseResult.GetRequiredValue(name), body, parseResult.GetValue(deployment),
                cancellationToken: cancellationToken);
            var text = Encoding.UTF8.GetString(answer.Body);
            if (IsJson(parseResult)) Output.WriteJson(new Invoked(answer.Deployment, answer.ContentType, Parse(text, answer.ContentType)));
            else Output.WriteLine(text);
        }
        return ExitCodes.Ok;
    }

    /// <summary>The answer as JSON when it is JSON, else as a string.</summary>
    private static JsonElement Parse(string text, string? contentType)
    {
        if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try { return JsonDocument.Parse(text).RootElement.Clone(); }
            catch (JsonException) { }
        }
        return JsonSerializer.SerializeToElement(text);
    }

    private sealed record Invoked(string? Deployment, string? ContentType, JsonElement Response);
}
