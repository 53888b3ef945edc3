using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loom.Cli.Output;
using Loom.Client;
using Loom.Contracts;

namespace Loom.Cli.Commands.Run;

/// <summary><c>loom run show RUN</c>: the run, and for a submitted run its job (compute, environment, nodes).</summary>
internal sealed class RunShowCommand : LoomCommand
{
    /// <summary>The run property the server sets on submitted runs only.</summary>
    private const string ComputeProperty = "loom.compute";

    public RunShowCommand(CliContext context) : base("show", "Show a run", context)
    {
        Arguments.Add(RunCommand.RunId);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var run = await client.Runs.GetAsync(connection.Workspace, parseResult.GetRequiredValue(RunCommand.RunId), cancellationToken);
            var job = run.Properties.ContainsKey(ComputeProperty) ? await FindJobAsync(client, connection.Workspace, run.Id, cancellationToken) : null;
            if (IsJson(parseResult))
            {
                // The run's own fields stay as they are for scripts that read them; the job is one more field.
                var value = JsonSerializer.SerializeToNode(run, JsonOutput.Options)!.AsObject();
                if (job is not null) value["job"] = JsonSerializer.SerializeToNode(job, JsonOutput.Options);
                Output.WriteJson(value);
                return ExitCodes.Ok;
            }
            var details = RunViews.Details(run, Context.Time.GetUtcNow());
            Output.WriteDetails(job is null ? details : [.. details, .. JobViews.Details(job)]);
            if (job is not null && JobViews.Nodes(job) is { } nodes) Output.WriteTable(nodes);
            foreach (var section in RunViews.Sections(run)) Output.WriteTable(section);
        }
        return ExitCodes.Ok;
    }

    private static async Task<RunJobDto?> FindJobAsync(LoomClient client, string workspace, string runId, CancellationToken cancellationToken)
    {
        try { return await client.Runs.GetJobAsync(workspace, runId, cancellationToken); }
        catch (LoomNotFoundException e) when (e.Code == ErrorCodes.JobNotFound) { return null; }
    }
}
