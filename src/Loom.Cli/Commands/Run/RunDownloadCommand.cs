using System.CommandLine;
using Loom.Cli.Output;

namespace Loom.Cli.Commands.Run;

/// <summary><c>loom run download RUN [--output-dir DIR] [--prefix P]</c>: downloads artifacts, with progress bars on a terminal.</summary>
internal sealed class RunDownloadCommand : LoomCommand
{
    private readonly Option<string> outputDir = new("--output-dir", "-d") { Description = "Where to put the files (default ./RUN)", HelpName = "dir" };

    private readonly Option<string> prefix = new("--prefix") { Description = "Only artifacts under this path, e.g. outputs/" };

    public RunDownloadCommand(CliContext context) : base("download", "Download the artifacts of a run", context)
    {
        Arguments.Add(RunCommand.RunId);
        Options.Add(outputDir);
        Options.Add(prefix);
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var runId = parseResult.GetRequiredValue(RunCommand.RunId);
        var root = Path.GetFullPath(parseResult.GetValue(outputDir) ?? runId);
        var (client, connection) = Connect(parseResult);
        var downloaded = new List<DownloadedFile>();
        using (client)
        {
            var files = (await client.Artifacts.ListAsync(connection.Workspace, runId, parseResult.GetValue(prefix), recursive: true, cancellationToken))
                .Where(a => a.Type == "file").ToList();
            var targets = files.Select(a => (a.Path, a.Size, Target: TargetOf(root, a.Path))).ToList();
            await Output.RunTransfersAsync(async progress =>
            {
                foreach (var (path, size, target) in targets)
                {
                    var transfer = progress.Start(path, size);
                    var bytes = await client.Artifacts.DownloadFileAsync(connection.Workspace, runId, path, target,
                        p => transfer.Report(p.Bytes, p.TotalBytes ?? size), cancellationToken);
                    transfer.Complete();
                    downloaded.Add(new DownloadedFile(path, bytes, target));
                }
            });
        }
        if (IsJson(parseResult)) Output.WriteJson(downloaded);
        else if (downloaded.Count == 0) Output.WriteLine($"Run {runId} has no artifacts{(parseResult.GetValue(prefix) is { } p ? $" under '{p}'" : "")}.");
        else if (!Output.IsInteractive)
            Output.WriteTable(new TableView(["Path", "Size", "File"],
                downloaded.Select(d => (IReadOnlyList<string>)[d.Path, Formats.Number(d.Size), d.File]).ToList()));
        else Output.WriteLine($"Downloaded {downloaded.Count} file(s), {Formats.Size(downloaded.Sum(d => d.Size))}, to {root}");
        return ExitCodes.Ok;
    }

    /// <summary>The local file for an artifact path; a path that would land outside the folder is refused.</summary>
    private static string TargetOf(string root, string artifactPath)
    {
        var target = Path.GetFullPath(Path.Combine(root, artifactPath.Replace('/', Path.DirectorySeparatorChar)));
        if (!target.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new IOException($"artifact path '{artifactPath}' would be written outside {root}");
        return target;
    }

    private sealed record DownloadedFile(string Path, long Size, string File);
}
