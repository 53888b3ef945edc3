using System.CommandLine;
using Loom.Cli.Output;
using Loom.Client;
using Loom.Contracts;

namespace Loom.Cli.Commands.Run;

/// <summary>
/// <c>loom run download-snapshot RUN [--dest DIR | --zip FILE]</c>: the code a submitted run ran, as a folder
/// (each file checked against its SHA-256, modes kept) or as a zip, with a progress bar on a terminal.
/// </summary>
internal sealed class RunDownloadSnapshotCommand : LoomCommand
{
    /// <summary>The run property the server records a submitted run's snapshot under.</summary>
    public const string SnapshotProperty = "loom.snapshotId";

    private readonly Option<string> dest = new("--dest", "-d") { Description = "The folder to write the files to (default ./RUN-snapshot)", HelpName = "dir" };

    private readonly Option<string> zip = new("--zip") { Description = "Write one zip file instead of a folder", HelpName = "file" };

    public RunDownloadSnapshotCommand(CliContext context) : base("download-snapshot", "Download the code snapshot of a submitted run", context)
    {
        Arguments.Add(RunCommand.RunId);
        Options.Add(dest);
        Options.Add(zip);
        Validators.Add(result =>
        {
            if (result.GetResult(dest) is not null && result.GetResult(zip) is not null) result.AddError("Give --dest or --zip, not both.");
        });
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var runId = parseResult.GetRequiredValue(RunCommand.RunId);
        var zipFile = parseResult.GetValue(zip) is { } z ? Path.GetFullPath(z) : null;
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var run = await client.Runs.GetAsync(connection.Workspace, runId, cancellationToken);
            if (run.Properties.GetValueOrDefault(SnapshotProperty) is not { } snapshotId)
            {
                Output.WriteError($"error: run {runId} has no snapshot; only submitted runs have one.");
                return ExitCodes.Failed;
            }
            var snapshot = await client.Snapshots.GetAsync(connection.Workspace, snapshotId, cancellationToken);
            var path = zipFile ?? Path.GetFullPath(parseResult.GetValue(dest) ?? $"{runId}-snapshot");
            await Output.RunTransfersAsync(progress => zipFile is null
                ? DownloadFolderAsync(client, connection.Workspace, snapshot, path, progress, cancellationToken)
                : DownloadZipAsync(client, connection.Workspace, snapshot, path, progress, cancellationToken));
            if (IsJson(parseResult))
                Output.WriteJson(new DownloadedSnapshot(runId, snapshot.Id, zipFile is null ? "folder" : "zip", path, snapshot.Files, snapshot.Bytes));
            else
                Output.WriteLine($"Downloaded snapshot {snapshot.Id} of run {runId} ({snapshot.Files} files, {Formats.Size(snapshot.Bytes)}) to {path}");
        }
        return ExitCodes.Ok;
    }

    private static async Task DownloadFolderAsync(LoomClient client, string workspace, SnapshotDto snapshot, string root,
        ITransferReporter progress, CancellationToken cancellationToken)
    {
        var transfer = progress.Start($"snapshot {snapshot.Id[..Math.Min(12, snapshot.Id.Length)]}", snapshot.Bytes);
        long done = 0;
        Directory.CreateDirectory(root);
        foreach (var entry in snapshot.Entries)
        {
            var target = TargetOf(root, entry.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var partial = target + ".partial";
            try
            {
                string sha;
                await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                await using (var counted = new ProgressStream(file, n => transfer.Report(done += n, snapshot.Bytes)))
                {
                    await client.Snapshots.DownloadFileAsync(workspace, snapshot.Id, entry.Path, counted, cancellationToken);
                    sha = counted.Sha256();
                }
                if (!string.Equals(sha, entry.Sha256, StringComparison.OrdinalIgnoreCase))
                    throw new IOException($"snapshot file '{entry.Path}' arrived with SHA-256 {sha}, not {entry.Sha256}; try again.");
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(partial, (UnixFileMode)entry.Mode);
                File.Move(partial, target, overwrite: true);
            }
            catch
            {
                File.Delete(partial);
                throw;
            }
        }
        transfer.Complete();
    }

    private static async Task DownloadZipAsync(LoomClient client, string workspace, SnapshotDto snapshot, string zipFile,
        ITransferReporter progress, CancellationToken cancellationToken)
    {
        // A zip's size is known only once it is made, so the bar counts bytes without a total.
        var transfer = progress.Start(Path.GetFileName(zipFile), totalBytes: null);
        long done = 0;
        var folder = Path.GetDirectoryName(zipFile);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        var partial = zipFile + ".partial";
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            await using (var counted = new ProgressStream(file, n => transfer.Report(done += n, null)))
                await client.Snapshots.DownloadZipAsync(workspace, snapshot.Id, counted, cancellationToken);
            File.Move(partial, zipFile, overwrite: true);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        transfer.Complete();
    }

    /// <summary>The local file for a snapshot path; a path that would land outside the folder is refused.</summary>
    private static string TargetOf(string root, string path)
    {
        var target = Path.GetFullPath(Path.Combine(root, path.Replace('/', Path.DirectorySeparatorChar)));
        if (!target.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new IOException($"snapshot path '{path}' would be written outside {root}");
        return target;
    }

    private sealed record DownloadedSnapshot(string RunId, string SnapshotId, string Format, string Path, int Files, long Bytes);
}
