using System.CommandLine;
using Loom.Cli.Output;

namespace Loom.Cli.Commands.Models;

/// <summary>
/// <c>loom model download NAME[:VERSION] [--dest DIR | --zip FILE]</c>: the files into a folder (each checked against its
/// SHA-256) or one zip, with a progress bar on a terminal.
/// </summary>
internal sealed class ModelDownloadCommand : LoomCommand
{
    private readonly Argument<string> reference = ModelArguments.Reference("NAME, NAME:VERSION or NAME@latest");

    private readonly Option<string> dest = new("--dest", "-d") { Description = "The folder to put the files in (default: the current folder)", HelpName = "dir" };

    private readonly Option<string> zip = new("--zip") { Description = "Write one zip file instead", HelpName = "file" };

    public ModelDownloadCommand(CliContext context) : base("download", "Download a model version's files", context)
    {
        Arguments.Add(reference);
        Options.Add(dest);
        Options.Add(zip);
        Validators.Add(result =>
        {
            if (result.GetValue(dest) is not null && result.GetValue(zip) is not null) result.AddError("Give --dest or --zip, not both.");
        });
    }

    public override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (name, version) = ModelArguments.Parse(parseResult.GetRequiredValue(reference), versionRequired: false);
        var zipFile = parseResult.GetValue(zip) is { } z ? Path.GetFullPath(z) : null;
        var folder = Path.GetFullPath(parseResult.GetValue(dest) ?? ".");
        var json = IsJson(parseResult);
        var (client, connection) = Connect(parseResult);
        using (client)
        {
            var model = await client.Models.GetAsync(connection.Workspace, name, version, cancellationToken);
            long bytes = 0;
            await (json ? DownloadAsync(SilentTransfers.Instance) : Output.RunTransfersAsync(DownloadAsync));
            var target = zipFile ?? folder;
            if (json) Output.WriteJson(new Downloaded(model.Name, model.Version, target, model.Files.Count, bytes));
            else Output.WriteLine($"Downloaded {model.Name}:{model.Version} ({model.Files.Count} file(s), {Formats.Size(bytes)}) to {target}");

            async Task DownloadAsync(ITransferReporter progress)
            {
                // The version is pinned, so a registration meanwhile cannot change what is downloaded.
                var bar = progress.Start($"{model.Name}:{model.Version}", zipFile is null ? model.Bytes : null);
                if (zipFile is not null)
                    bytes = await client.Models.DownloadZipFileAsync(connection.Workspace, model.Name, model.Version, zipFile,
                        p => bar.Report(p.Bytes, p.TotalBytes), cancellationToken);
                else
                {
                    await client.Models.DownloadAsync(connection.Workspace, model.Name, model.Version, folder, p => bar.Report(p.Bytes, p.TotalBytes), cancellationToken);
                    bytes = model.Bytes;
                }
                bar.Complete();
            }
        }
        return ExitCodes.Ok;
    }

    private sealed record Downloaded(string Name, int Version, string Path, int Files, long Bytes);
}
