using System.CommandLine;
using System.Text;

namespace Loom.Cli.Commands.Run;

/// <summary><c>loom run logs RUN [--file F] [--follow]</c>: prints a run's logs, or streams them until the run ends.</summary>
internal sealed class RunLogsCommand : LoomCommand
{
    public const string DefaultLog = "std_log.txt";
    private const int SliceBytes = 1 << 20;

    private readonly Option<string> file = new("--file") { Description = $"The log file (default: every log file, or {DefaultLog})" };

    private readonly Option<bool> follow = new("--follow", "-f") { Description = "Stream new output until the run finishes" };

    public RunLogsCommand(CliContext context) : base("logs", "Print the logs of a run", context)
    {
        Arguments.Add(RunCommand.RunId);
        Options.Add(file);
        Options.Add(follow);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var runId = parseResult.GetRequiredValue(RunCommand.RunId);
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var files = parseResult.GetValue(file) is { } one ? [one]
                : (await client.Logs.ListAsync(connection.Workspace, runId, cancellationToken)).Select(l => l.File).ToList();
            if (files.Count == 0) files = [DefaultLog];
            if (parseResult.GetValue(follow))
                await new LogFollower(client, connection.Workspace, runId, Output, IsJson(parseResult)).FollowAsync(files, cancellationToken);
            else
                await PrintAsync(client, connection.Workspace, runId, files, IsJson(parseResult), cancellationToken);
        }
        return ExitCodes.Ok;
    }

    private async Task PrintAsync(Client.LoomClient client, string workspace, string runId, IReadOnlyList<string> files, bool json,
        CancellationToken cancellationToken)
    {
        var texts = new List<object>();
        foreach (var name in files)
        {
            if (!json && files.Count > 1) Output.WriteLine($"==> {name} <==");
            var text = json ? new StringBuilder() : null;
            var decoder = Encoding.UTF8.GetDecoder();
            long offset = 0;
            // Read in slices so a large log streams to the console instead of being held whole.
            while (true)
            {
                var slice = await client.Logs.ReadAsync(workspace, runId, name, offset, SliceBytes, cancellationToken);
                var chars = new char[decoder.GetCharCount(slice.Data, flush: false)];
                decoder.GetChars(slice.Data, chars, flush: false);
                if (text is null) Output.Write(new string(chars));
                else text.Append(chars);
                offset += slice.Data.Length;
                if (slice.Data.Length == 0 || offset >= slice.TotalLength) break;
            }
            if (text is not null) texts.Add(new { file = name, length = offset, text = text.ToString() });
        }
        if (json) Output.WriteJson(texts);
    }
}
