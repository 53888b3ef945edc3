using System.IO.Compression;
using Loom.Client;
using Loom.Client.Snapshots;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Models;

/// <summary>The C# client's side of the registry: local files hashed and uploaded once, downloads checked against their hashes.</summary>
public abstract partial class ModelApiTests : IDisposable
{
    private readonly TempDirectory local = new("loom-model");

    public void Dispose()
    {
        local.Dispose();
        GC.SuppressFinalize(this);
    }

    private string LocalFile(string path, string content)
    {
        var full = local.Combine(path.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    /// <summary>Upload options with a private hash cache that record how many bytes each phase reported last.</summary>
    private SnapshotUploadOptions Recording(Dictionary<string, long> reported) => new()
    {
        CacheFolder = local.Combine(".cache"),
        Progress = p => { lock (reported) reported[p.Phase] = Math.Max(reported.GetValueOrDefault(p.Phase), p.Done); },
    };

    [Fact]
    public async Task A_local_folder_registers_under_its_name_and_registering_it_again_uploads_and_hashes_nothing()
    {
        LocalFile("model/weights.bin", new string('w', 3000));
        LocalFile("model/sub/config.json", "{}");
        File.SetUnixFileMode(LocalFile("model/score.sh", "#!/bin/sh\n"), (UnixFileMode)0b111_101_101);
        // A model folder is taken whole, as Azure ML does: ignore files do not count, only .git is left out.
        LocalFile("model/.gitignore", "*.bin\n");
        LocalFile("model/.git/HEAD", "ref: refs/heads/main\n");
        var client = Server.Client.Models;
        var first = new Dictionary<string, long>();
        var v1 = await client.RegisterFromPathAsync("default", local.Combine("model"),
            new RegisterModelRequest("iris", Tags: new() { ["stage"] = "candidate" }, Framework: "Custom"), Recording(first));
        Assert.Equal(["model/.gitignore", "model/score.sh", "model/sub/config.json", "model/weights.bin"], v1.Files.Select(f => f.Path));
        Assert.Equal(493, v1.Files[1].Mode);
        Assert.Equal((1, "candidate", "Custom"), (v1.Version, v1.Tags["stage"], v1.Framework));
        Assert.Equal(3018L, first[SnapshotProgress.Uploading]);
        Assert.Equal(3018L, first[SnapshotProgress.Hashing]);

        var again = new Dictionary<string, long>();
        var v2 = await client.RegisterFromPathAsync("default", local.Combine("model") + "/", new RegisterModelRequest("iris"), Recording(again));
        Assert.Equal((2, v1.ManifestId), (v2.Version, v2.ManifestId));
        Assert.False(again.ContainsKey(SnapshotProgress.Hashing));
        Assert.Equal(0L, again.GetValueOrDefault(SnapshotProgress.Uploading));

        var file = await client.RegisterFromPathAsync("default", local.Combine("model", "weights.bin"), new RegisterModelRequest("weights"), Recording([]));
        Assert.Equal(["weights.bin"], file.Files.Select(f => f.Path));
        Assert.Equal(v1.Files[3].Sha256, file.Files[0].Sha256);

        await Assert.ThrowsAsync<FileNotFoundException>(() => client.RegisterFromPathAsync("default", local.Combine("absent"), new RegisterModelRequest("x")));
        Directory.CreateDirectory(local.Combine("empty"));
        var empty = await Assert.ThrowsAsync<LoomValidationException>(() => client.RegisterFromPathAsync("default", local.Combine("empty"), new RegisterModelRequest("x")));
        Assert.Equal(ErrorCodes.InvalidModel, empty.Code);
        var bad = await Assert.ThrowsAsync<LoomValidationException>(() => client.RegisterFromPathAsync("default", local.Combine("model"), new RegisterModelRequest("bad name")));
        Assert.Equal(ErrorCodes.InvalidName, bad.Code);
    }

    [Fact]
    public async Task The_client_registers_from_a_run_searches_tags_deletes_and_follows_lineage()
    {
        var run = await RunWithArtifacts(("outputs/model.pkl", "pickle"));
        var client = Server.Client.Models;
        var v1 = await client.RegisterFromRunAsync("default", run.Id, "outputs/model.pkl", new RegisterModelRequest("iris", Tags: new() { ["stage"] = "candidate" }));
        Assert.Equal((run.Id, "model.pkl"), (v1.RunId, v1.Files.Single().Path));
        await client.RegisterFromRunAsync("default", run.Id, "outputs/model.pkl", new RegisterModelRequest("iris"));

        Assert.Equal([2], (await client.ListAsync("default")).Value.Select(m => m.Version));
        var tagged = new List<ModelDto>();
        await foreach (var model in client.ListAllAsync("default", tags: ["stage=candidate"])) tagged.Add(model);
        Assert.Equal([1], tagged.Select(m => m.Version));
        Assert.Equal([2, 1], (await client.ListAsync("default", name: "iris", allVersions: true)).Value.Select(m => m.Version));

        var updated = await client.UpdateAsync("default", "iris", 1, new UpdateModelRequest(new() { ["stage"] = "production" }, Description: "best"));
        Assert.Equal(("production", "best"), (updated.Tags["stage"], updated.Description));
        Assert.Equal(2, (await client.GetAsync("default", "iris")).Version);
        Assert.Equal([1, 2], (await client.ListByRunAsync("default", run.Id)).Select(m => m.Version));

        await client.DeleteAsync("default", "iris", 1);
        Assert.Equal([2], (await client.ListVersionsAsync("default", "iris")).Select(m => m.Version));
        var gone = await Assert.ThrowsAsync<LoomNotFoundException>(() => client.GetAsync("default", "iris", 1));
        Assert.Equal(ErrorCodes.ModelNotFound, gone.Code);
    }

    [Fact]
    public async Task Downloads_rebuild_the_folder_with_modes_and_refuse_a_file_that_does_not_match_its_hash()
    {
        LocalFile("model/weights.bin", new string('w', 200_000));
        File.SetUnixFileMode(LocalFile("model/score.sh", "#!/bin/sh\n"), (UnixFileMode)0b111_101_101);
        var client = Server.Client.Models;
        var model = await client.RegisterFromPathAsync("default", local.Combine("model"), new RegisterModelRequest("m"), Recording([]));

        var progress = new List<TransferProgress>();
        var downloaded = await client.DownloadAsync("default", "m", null, local.Combine("out"), progress.Add);
        Assert.Equal(model.ManifestId, downloaded.ManifestId);
        Assert.Equal(new string('w', 200_000), File.ReadAllText(local.Combine("out", "model", "weights.bin")));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(local.Combine("out", "model", "score.sh")));
        Assert.Equal(new TransferProgress(model.Bytes, model.Bytes), progress[^1]);

        var zipPath = local.Combine("m.zip");
        var size = await client.DownloadZipFileAsync("default", "m", 1, zipPath);
        Assert.Equal(new FileInfo(zipPath).Length, size);
        using (var zip = ZipFile.OpenRead(zipPath))
            Assert.Equal(["model/score.sh", "model/weights.bin"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));

        // A blob changed on disk behind the server's back is caught by the client, and no file is left under its name.
        var sha = model.Files.Single(f => f.Path == "model/score.sh").Sha256;
        File.WriteAllText(Path.Combine(Server.DataDirectory, "blobs", "sha256", sha[..2], sha[2..4], sha), "#!/bin/sh\nrm -rf /\n");
        await Assert.ThrowsAsync<InvalidDataException>(() => client.DownloadAsync("default", "m", 1, local.Combine("tampered")));
        Assert.False(File.Exists(local.Combine("tampered", "model", "score.sh")));
        Assert.Empty(Directory.GetFiles(local.Combine("tampered"), "*.partial", SearchOption.AllDirectories));
    }
}
