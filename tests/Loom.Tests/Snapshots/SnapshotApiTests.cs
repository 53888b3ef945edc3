using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Loom.Client;
using Loom.Client.Snapshots;
using Loom.Contracts;
using Loom.Core.Snapshots;
using Loom.Tests.Api;
using Loom.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Loom.Tests.Snapshots;

/// <summary>Snapshots end to end through the C# client and raw HTTP; subclassed per metadata provider in Providers.cs.</summary>
public abstract class SnapshotApiTests : ApiTestBase, IDisposable
{
    private const string Zero = "0000000000000000000000000000000000000000000000000000000000000000";
    private readonly TempDirectory cache = new("loom-hash-cache");

    private SnapshotUploadOptions Options() => new() { CacheFolder = cache.Path };

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void Write(TempDirectory folder, string path, string content)
    {
        var full = folder.Combine(path.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    private static TempDirectory SourceFolder()
    {
        var folder = new TempDirectory("loom-src");
        Write(folder, "train.py", "print('train')\n");
        Write(folder, "run.sh", "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(folder.Combine("run.sh"), (UnixFileMode)0b111_101_101);
        Write(folder, "pkg/model.py", "class Model: pass\n");
        Write(folder, "pkg/copy.py", "class Model: pass\n"); // same bytes: one blob
        Write(folder, "data/big.csv", new string('x', 5000));
        Write(folder, "debug.log", "ignored");
        Write(folder, ".gitignore", "*.log\n");
        Write(folder, ".git/HEAD", "ref: refs/heads/main\n");
        return folder;
    }

    [Fact]
    public async Task Folder_snapshot_then_unchanged_resnapshot_uploads_and_reads_nothing()
    {
        using var folder = SourceFolder();
        var first = await Server.Client.Snapshots.CreateFromFolderAsync("default", folder.Path, Options());
        Assert.Equal(6, first.Files);
        Assert.Equal(5, first.UploadedFiles);
        Assert.Equal(6, first.HashedFiles);

        var second = await Server.Client.Snapshots.CreateFromFolderAsync("default", folder.Path, Options());
        Assert.Equal(first.Id, second.Id);
        Assert.Equal((0, 0L, 0), (second.UploadedFiles, second.UploadedBytes, second.HashedFiles));

        // Same size, same mtime, other bytes: the cached hash is used, proving the file was not read.
        var train = folder.Combine("train.py");
        var mtime = File.GetLastWriteTimeUtc(train);
        File.WriteAllText(train, "print('TRAIN')\n");
        File.SetLastWriteTimeUtc(train, mtime);
        Assert.Equal(first.Id, (await Server.Client.Snapshots.CreateFromFolderAsync("default", folder.Path, Options())).Id);

        File.AppendAllText(train, "# changed\n");
        var changed = await Server.Client.Snapshots.CreateFromFolderAsync("default", folder.Path, Options());
        Assert.NotEqual(first.Id, changed.Id);
        Assert.Equal((1, 1), (changed.UploadedFiles, changed.HashedFiles));

        var manifest = await Server.Client.Snapshots.GetAsync("default", first.Id);
        Assert.Equal([".gitignore", "data/big.csv", "pkg/copy.py", "pkg/model.py", "run.sh", "train.py"], manifest.Entries.Select(e => e.Path));
        Assert.Equal(493, manifest.Entries.Single(e => e.Path == "run.sh").Mode);
        Assert.Equal(420, manifest.Entries.Single(e => e.Path == "train.py").Mode);
        Assert.Equal(first.Bytes, manifest.Entries.Sum(e => e.Size));
    }

    [Fact]
    public async Task Zip_and_file_downloads_equal_the_folder()
    {
        using var folder = SourceFolder();
        var snapshot = await Server.Client.Snapshots.CreateFromFolderAsync("default", folder.Path, Options());
        using var zipBytes = new MemoryStream();
        await Server.Client.Snapshots.DownloadZipAsync("default", snapshot.Id, zipBytes);
        zipBytes.Position = 0;
        using var zip = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        Assert.Equal([".gitignore", "data/big.csv", "pkg/copy.py", "pkg/model.py", "run.sh", "train.py"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        foreach (var entry in zip.Entries)
        {
            using var content = new MemoryStream();
            await using (var stream = entry.Open()) await stream.CopyToAsync(content);
            Assert.Equal(File.ReadAllBytes(folder.Combine(entry.FullName.Split('/'))), content.ToArray());
        }
        Assert.Equal(0b111_101_101, (zip.GetEntry("run.sh")!.ExternalAttributes >> 16) & 0xFFF);
        Assert.Equal(0b110_100_100, (zip.GetEntry("train.py")!.ExternalAttributes >> 16) & 0xFFF);

        Assert.Equal("class Model: pass\n", await Http.GetStringAsync($"{Ws}/snapshots/{snapshot.Id}/files/pkg/model.py"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.NotFound, await Http.GetAsync($"{Ws}/snapshots/{snapshot.Id}/files/pkg/none.py"));
    }

    [Fact]
    public async Task Manifest_with_missing_blobs_is_refused_until_they_are_uploaded_and_is_idempotent()
    {
        var bytes = Encoding.UTF8.GetBytes("only here " + Guid.NewGuid());
        var sha = Sha(bytes);
        var body = new CreateSnapshotRequest([new SnapshotEntryDto("a.txt", bytes.Length, 420, sha)]);
        var problem = await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.SnapshotIncomplete, await Post($"{Ws}/snapshots", body));
        Assert.Contains(sha, problem.Detail);

        var missing = await HttpAssert.Json<MissingBlobsDto>(HttpStatusCode.OK, await Post($"{Ws}/snapshots/missing", new MissingBlobsRequest([sha, sha])));
        Assert.Equal([sha], missing.Missing);
        var blob = await HttpAssert.Json<BlobDto>(HttpStatusCode.Created, await Http.PutAsync($"{Ws}/blobs/{sha}", new ByteArrayContent(bytes)));
        Assert.Equal((sha, (long)bytes.Length), (blob.Sha256, blob.Size));
        Assert.Empty((await HttpAssert.Json<MissingBlobsDto>(HttpStatusCode.OK, await Post($"{Ws}/snapshots/missing", new MissingBlobsRequest([sha])))).Missing);

        var created = await HttpAssert.Json<SnapshotCreatedDto>(HttpStatusCode.Created, await Post($"{Ws}/snapshots", body));
        var again = await HttpAssert.Json<SnapshotCreatedDto>(HttpStatusCode.Created, await Post($"{Ws}/snapshots", body));
        Assert.Equal(created, again);
        Assert.Equal(Sha(Encoding.UTF8.GetBytes($"a.txt\t{bytes.Length}\t644\t{sha}\n")), created.Id);
    }

    [Fact]
    public async Task Blob_whose_bytes_do_not_match_its_hash_is_refused()
    {
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.HashMismatch,
            await Http.PutAsync($"{Ws}/blobs/{Sha([1, 2, 3])}", new ByteArrayContent([1, 2, 4])));
        Assert.Equal([Sha([1, 2, 3])], (await Server.Client.Snapshots.MissingAsync("default", [Sha([1, 2, 3])])));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.PutAsync($"{Ws}/blobs/NOTAHASH", new ByteArrayContent([1])));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post($"{Ws}/snapshots/missing", new MissingBlobsRequest(["xyz"])));
    }

    [Fact]
    public async Task Over_the_limits_is_413_naming_the_largest_files()
    {
        var limits = Server.Services.GetRequiredService<IOptions<SnapshotOptions>>().Value;
        limits.MaxBytes = 100;
        limits.MaxMissingQuery = 2;
        var entries = Enumerable.Range(1, 7).Select(i => new SnapshotEntryDto($"f{i}.bin", i * 10, 420, Zero)).ToList();
        var problem = await HttpAssert.Problem(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.SnapshotTooLarge,
            await Post($"{Ws}/snapshots", new CreateSnapshotRequest(entries)));
        foreach (var name in new[] { "f7.bin", "f6.bin", "f5.bin", "f4.bin", "f3.bin" }) Assert.Contains(name, problem.Detail);
        Assert.DoesNotContain("f2.bin", problem.Detail);
        await HttpAssert.Problem(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.BatchTooLarge,
            await Post($"{Ws}/snapshots/missing", new MissingBlobsRequest([Zero, Zero, Zero])));

        // The client checks its own limits before hashing or uploading anything.
        using var folder = SourceFolder();
        var e = await Assert.ThrowsAsync<LoomValidationException>(() => Server.Client.Snapshots.CreateFromFolderAsync("default", folder.Path,
            new SnapshotUploadOptions { CacheFolder = cache.Path, MaxFiles = 3 }));
        Assert.Equal((413, ErrorCodes.SnapshotTooLarge), (e.Status, e.Code));
        Assert.StartsWith("The snapshot has 6 files", e.Detail);
        Assert.Contains("data/big.csv (5000 bytes)", e.Detail);
        Assert.Empty(Directory.GetFiles(cache.Path));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b.txt")]
    [InlineData("a\\b.txt")]
    [InlineData("")]
    public async Task Bad_paths_are_400(string path)
    {
        var problem = await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidPath,
            await Post($"{Ws}/snapshots", new CreateSnapshotRequest([new SnapshotEntryDto(path, 1, 420, Zero)])));
        Assert.Contains("invalid", problem.Detail);
    }

    [Fact]
    public async Task Bad_requests_are_problems_not_500s()
    {
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await PostRaw($"{Ws}/snapshots", "{}"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest,
            await Post($"{Ws}/snapshots", new CreateSnapshotRequest([new SnapshotEntryDto("a", -1, 420, Zero)])));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest,
            await Post($"{Ws}/snapshots", new CreateSnapshotRequest([new SnapshotEntryDto("a", 1, 0x10000, Zero)])));
    }

    [Fact]
    public async Task Unknown_snapshots_are_404()
    {
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.SnapshotNotFound, await Http.GetAsync($"{Ws}/snapshots/{Zero}"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.SnapshotNotFound, await Http.GetAsync($"{Ws}/snapshots/not-a-hash"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.SnapshotNotFound, await Http.GetAsync($"{Ws}/snapshots/{Zero}/zip"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.SnapshotNotFound, await Http.GetAsync($"{Ws}/snapshots/{Zero}/files/a.txt"));

        // A snapshot belongs to its workspace: another workspace does not see it.
        using var folder = SourceFolder();
        var snapshot = await Server.Client.Snapshots.CreateFromFolderAsync("default", folder.Path, Options());
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new { name = "other" }));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.SnapshotNotFound, await Http.GetAsync($"/api/v1/workspaces/other/snapshots/{snapshot.Id}"));
        var copy = await Server.Client.Snapshots.CreateFromFolderAsync("other", folder.Path, Options());
        Assert.Equal((snapshot.Id, 0), (copy.Id, copy.UploadedFiles));
    }

    public void Dispose()
    {
        cache.Dispose();
        GC.SuppressFinalize(this);
    }
}
