using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Loom.Contracts;
using Loom.Tests.Api;
using Loom.TestKit;

namespace Loom.Tests.Models;

/// <summary>The model registry's REST API; subclassed per metadata provider in Api/Providers.cs.</summary>
public abstract partial class ModelApiTests : ApiTestBase
{
    private const string Zero = "0000000000000000000000000000000000000000000000000000000000000000";

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private async Task<SnapshotEntryDto> Blob(string path, string content, int mode = 420)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        await HttpAssert.Status(HttpStatusCode.Created, await Http.PutAsync($"{Ws}/blobs/{Sha(bytes)}", new ByteArrayContent(bytes)));
        return new SnapshotEntryDto(path, bytes.Length, mode, Sha(bytes));
    }

    private async Task<ModelDto> Register(object body, string? idempotencyKey = null) =>
        await HttpAssert.Json<ModelDto>(HttpStatusCode.Created, await Post($"{Ws}/models", body, idempotencyKey));

    private async Task<RunDto> RunWithArtifacts(params (string Path, string Content)[] artifacts)
    {
        var run = await CreateRun("train");
        foreach (var (path, content) in artifacts)
            await HttpAssert.Status(HttpStatusCode.Created, await Http.PutAsync($"{Ws}/runs/{run.Id}/artifacts/{path}", new StringContent(content)));
        return run;
    }

    private async Task<List<string>> Listed(string query = "") =>
        (await Get<ListResult<ModelDto>>($"{Ws}/models{query}")).Value.Select(m => $"{m.Name}:{m.Version}").ToList();

    [Fact]
    public async Task Files_register_as_versions_and_identical_files_register_again_without_an_upload()
    {
        var files = new[] { await Blob("model/model.pkl", "weights"), await Blob("model/conda.yml", "name: iris\n"), await Blob("model/run.sh", "#!/bin/sh\n", 493) };
        var v1 = await Register(new
        {
            name = "iris", description = "first", files, framework = "ScikitLearn", frameworkVersion = "1.2.1",
            tags = new Dictionary<string, string> { ["stage"] = "candidate" }, properties = new Dictionary<string, string> { ["accuracy"] = "0.97" },
        });
        Assert.Equal(("iris", 1, "first"), (v1.Name, v1.Version, v1.Description));
        Assert.Equal(["model/conda.yml", "model/model.pkl", "model/run.sh"], v1.Files.Select(f => f.Path));
        Assert.Equal(493, v1.Files[2].Mode);
        Assert.Equal(files.Sum(f => f.Size), v1.Bytes);
        Assert.Equal(SnapshotIds.Of(files), v1.ManifestId);
        Assert.Equal(("ScikitLearn", "1.2.1"), (v1.Framework, v1.FrameworkVersion));
        Assert.Equal("candidate", v1.Tags["stage"]);
        Assert.Equal("0.97", v1.Properties["accuracy"]);
        Assert.Null(v1.RunId);
        Assert.Null(v1.RunPath);

        // The blobs are there already: the same manifest is just another row.
        var v2 = await Register(new { name = "iris", files = files.Reverse() });
        Assert.Equal((2, v1.ManifestId), (v2.Version, v2.ManifestId));
        Assert.Empty(v2.Tags);
        Assert.Null(v2.Description);
        Assert.Equal(1, (await Register(new { name = "other", files = files.Take(1) })).Version);

        Assert.Equal([1, 2], (await Get<ListResult<ModelDto>>($"{Ws}/models/iris/versions")).Value.Select(m => m.Version));
        Assert.Equal(2, (await Get<ModelDto>($"{Ws}/models/iris/versions/latest")).Version);
        var first = await Get<ModelDto>($"{Ws}/models/iris/versions/1");
        Assert.Equal((v1.CreatedTime, v1.ManifestId, "candidate"), (first.CreatedTime, first.ManifestId, first.Tags["stage"]));
        Assert.Equal(v1.Files, first.Files);
        Assert.Equal(["iris:2", "other:1"], await Listed());
    }

    [Fact]
    public async Task A_run_file_or_folder_registers_under_its_last_name_and_the_run_lists_its_models()
    {
        var run = await RunWithArtifacts(("outputs/model.pkl", "pickle"), ("outputs/model/weights.bin", "w"), ("outputs/model/sub/config.json", "{}"),
            ("outputs/modelx.bin", "not in the folder"), ("logs/train.log", "log"));
        var artifacts = (await Get<ListResult<ArtifactEntryDto>>($"{Ws}/runs/{run.Id}/artifacts")).Value.ToDictionary(a => a.Path);

        var file = await Register(new { name = "iris", runId = run.Id, path = "outputs/model.pkl" });
        Assert.Equal((run.Id, "outputs/model.pkl"), (file.RunId, file.RunPath));
        var entry = Assert.Single(file.Files);
        Assert.Equal(("model.pkl", 6L, 420, artifacts["outputs/model.pkl"].Sha256), (entry.Path, entry.Size, entry.Mode, entry.Sha256));

        var folder = await Register(new { name = "folder", runId = run.Id, path = "outputs/model/" });
        Assert.Equal("outputs/model", folder.RunPath);
        Assert.Equal(["model/sub/config.json", "model/weights.bin"], folder.Files.Select(f => f.Path));
        Assert.Equal(artifacts["outputs/model/weights.bin"].Sha256, folder.Files[1].Sha256);

        var outputs = await Register(new { name = "outputs", runId = run.Id, path = "outputs" });
        Assert.Equal(["outputs/model.pkl", "outputs/model/sub/config.json", "outputs/model/weights.bin", "outputs/modelx.bin"], outputs.Files.Select(f => f.Path));
        Assert.Equal(["model.pkl"], (await Register(new { name = "iris", runId = run.Id, path = "outputs/model.pkl" })).Files.Select(f => f.Path));

        var lineage = (await Get<ListResult<ModelDto>>($"{Ws}/runs/{run.Id}/models")).Value;
        Assert.Equal(["folder:1", "iris:1", "iris:2", "outputs:1"], lineage.Select(m => $"{m.Name}:{m.Version}"));
        Assert.All(lineage, m => Assert.Equal(run.Id, m.RunId));
        Assert.Equal(run.Id, (await Get<ModelDto>($"{Ws}/models/iris/versions/1")).RunId);
        var other = await CreateRun("train");
        Assert.Empty((await Get<ListResult<ModelDto>>($"{Ws}/runs/{other.Id}/models")).Value);
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.RunNotFound, await Http.GetAsync($"{Ws}/runs/no-such-run/models"));

        Assert.Equal("pickle", await Http.GetStringAsync($"{Ws}/models/iris/versions/1/files/model.pkl"));
        Assert.Equal("{}", await Http.GetStringAsync($"{Ws}/models/folder/versions/latest/files/model/sub/config.json"));
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_answer()
    {
        var files = new[] { await Blob("m.bin", "bytes") };
        var first = await Register(new { name = "idem", files }, "key-1");
        await Register(new { name = "idem", files });
        var replay = await Register(new { name = "idem", files }, "key-1");
        Assert.Equal((1, first.CreatedTime), (replay.Version, replay.CreatedTime));
        await HttpAssert.Problem(HttpStatusCode.UnprocessableEntity, ErrorCodes.IdempotencyKeyReused,
            await Post($"{Ws}/models", new { name = "idem", files, description = "other" }, "key-1"));
        Assert.Equal([1, 2], (await Get<ListResult<ModelDto>>($"{Ws}/models/idem/versions")).Value.Select(m => m.Version));
    }

    [Fact]
    public async Task Search_by_name_and_tags_pages_through_the_latest_matching_versions()
    {
        var files = new[] { await Blob("m.bin", "bytes") };
        Dictionary<string, string> Tags(params string[] pairs) => pairs.ToDictionary(p => p.Split('=')[0], p => p.Split('=')[1]);
        await Register(new { name = "alpha", files, tags = Tags("stage=prod", "team=a") });
        await Register(new { name = "alpha", files, tags = Tags("stage=dev") });
        await Register(new { name = "beta", files, tags = Tags("stage=prod", "team=b") });
        await Register(new { name = "gamma", files });

        Assert.Equal(["alpha:2", "beta:1", "gamma:1"], await Listed());
        Assert.Equal(["alpha:1", "beta:1"], await Listed("?tag=stage=prod"));
        Assert.Equal(["alpha:2", "beta:1"], await Listed("?tag=stage"));
        Assert.Equal(["beta:1"], await Listed("?tag=stage=prod&tag=team=b"));
        Assert.Equal(["alpha:1"], await Listed("?tag=stage%3Dprod&tag=team=a"));
        Assert.Equal(["alpha:1", "beta:1"], await Listed("?tag=team"));
        Assert.Empty(await Listed("?tag=stage=none"));
        Assert.Equal(["alpha:2", "alpha:1", "beta:1", "gamma:1"], await Listed("?allVersions=true"));
        Assert.Equal(["alpha:2", "alpha:1"], await Listed("?name=alpha&allVersions=true"));
        Assert.Equal(["alpha:2"], await Listed("?name=alpha"));
        Assert.Empty(await Listed("?name=delta"));

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await Get<ListResult<ModelDto>>($"{Ws}/models?allVersions=true&pageSize=1" + (token is null ? "" : $"&pageToken={token}"));
            seen.AddRange(page.Value.Select(m => $"{m.Name}:{m.Version}"));
            token = page.NextPageToken;
            Assert.True(seen.Count <= 4, "paging did not end");
        } while (token is not null);
        Assert.Equal(["alpha:2", "alpha:1", "beta:1", "gamma:1"], seen);

        var two = await Get<ListResult<ModelDto>>($"{Ws}/models?pageSize=2");
        Assert.Equal(["alpha", "beta"], two.Value.Select(m => m.Name));
        Assert.Equal(["gamma"], (await Get<ListResult<ModelDto>>($"{Ws}/models?pageSize=2&pageToken={two.NextPageToken}")).Value.Select(m => m.Name));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidPageToken,
            await Http.GetAsync($"{Ws}/models?pageSize=2&tag=stage&pageToken={two.NextPageToken}"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidPageToken, await Http.GetAsync($"{Ws}/models?pageToken=garbage"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidFilter, await Http.GetAsync($"{Ws}/models?tag==prod"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidFilter, await Http.GetAsync($"{Ws}/models?tag="));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidFilter, await Http.GetAsync($"{Ws}/models?tag=a%01b=c"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Http.GetAsync($"{Ws}/models?name=bad%20name"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.GetAsync($"{Ws}/models?pageSize=0"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.GetAsync($"{Ws}/models?pageSize=1001"));
    }

    [Fact]
    public async Task Tags_and_description_update_while_files_and_properties_stay()
    {
        var files = new[] { await Blob("m.bin", "bytes") };
        var v1 = await Register(new { name = "m", files, description = "d", tags = new Dictionary<string, string> { ["stage"] = "candidate", ["team"] = "a" },
            properties = new Dictionary<string, string> { ["p"] = "1" } });
        await Register(new { name = "m", files });

        var updated = await HttpAssert.Json<ModelDto>(HttpStatusCode.OK, await Patch($"{Ws}/models/m/versions/1",
            new UpdateModelRequest(new Dictionary<string, string> { ["stage"] = "production", ["owner"] = "me" }, ["team", "absent"])));
        Assert.Equal(new Dictionary<string, string> { ["stage"] = "production", ["owner"] = "me" }, updated.Tags);
        Assert.Equal(("d", v1.ManifestId, "1"), (updated.Description, updated.ManifestId, updated.Properties["p"]));
        Assert.Equal(["m:1"], await Listed("?tag=stage=production"));
        Assert.Equal(updated.Tags, (await Get<ModelDto>($"{Ws}/models/m/versions/1")).Tags);

        var latest = await HttpAssert.Json<ModelDto>(HttpStatusCode.OK, await Patch($"{Ws}/models/m/versions/latest", new { description = "second" }));
        Assert.Equal((2, "second"), (latest.Version, latest.Description));
        Assert.Null((await HttpAssert.Json<ModelDto>(HttpStatusCode.OK, await Patch($"{Ws}/models/m/versions/2", new { description = "" }))).Description);

        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Patch($"{Ws}/models/m/versions/3", new { description = "x" }));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Patch($"{Ws}/models/none/versions/1", new { description = "x" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName,
            await Patch($"{Ws}/models/m/versions/1", new { tags = new Dictionary<string, string> { [""] = "x" } }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Patch($"{Ws}/models/m/versions/1", new { removeTags = new[] { "" } }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Patch($"{Ws}/models/m/versions/1", new { description = new string('x', 10_001) }));
        Assert.Equal(updated.Tags, (await Get<ModelDto>($"{Ws}/models/m/versions/1")).Tags);
    }

    [Fact]
    public async Task Files_download_one_by_one_and_as_a_zip()
    {
        var files = new[] { await Blob("model/weights.bin", "0123456789"), await Blob("model/score.sh", "#!/bin/sh\n", 493), await Blob("README", "read me") };
        var model = await Register(new { name = "z", files });

        var manifest = (await Get<ListResult<SnapshotEntryDto>>($"{Ws}/models/z/versions/1/files")).Value;
        Assert.Equal(model.Files, manifest);
        Assert.Equal(["README", "model/score.sh", "model/weights.bin"], manifest.Select(f => f.Path));
        Assert.Equal("0123456789", await Http.GetStringAsync($"{Ws}/models/z/versions/1/files/model/weights.bin"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.NotFound, await Http.GetAsync($"{Ws}/models/z/versions/1/files/model/none.bin"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Http.GetAsync($"{Ws}/models/z/versions/2/files/README"));

        var response = await HttpAssert.Status(HttpStatusCode.OK, await Http.GetAsync($"{Ws}/models/z/versions/latest/zip"));
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        Assert.Equal(["README", "model/score.sh", "model/weights.bin"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        using (var reader = new StreamReader(zip.GetEntry("model/weights.bin")!.Open())) Assert.Equal("0123456789", await reader.ReadToEndAsync());
        Assert.Equal(493, (zip.GetEntry("model/score.sh")!.ExternalAttributes >> 16) & 0xFFF);
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Http.GetAsync($"{Ws}/models/none/versions/1/zip"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Http.GetAsync($"{Ws}/models/none/versions/1/files"));
    }

    [Fact]
    public async Task Bad_registrations_get_their_problem_and_store_nothing()
    {
        var run = await RunWithArtifacts(("outputs/model.pkl", "pickle"));
        var good = await Blob("m.bin", "bytes");
        var unknown = new SnapshotEntryDto("m.bin", 5, 420, Sha(Encoding.UTF8.GetBytes("never uploaded")));
        (object Body, HttpStatusCode Status, string Code)[] cases =
        [
            (new { name = "bad name", files = new[] { good } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidName),
            (new { files = new[] { good } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidName),
            (new { name = "m", files = new[] { good }, runId = run.Id, path = "outputs/model.pkl" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidModel),
            (new { name = "m" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidModel),
            (new { name = "m", runId = run.Id }, HttpStatusCode.BadRequest, ErrorCodes.InvalidModel),
            (new { name = "m", path = "outputs/model.pkl" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidModel),
            (new { name = "m", files = Array.Empty<SnapshotEntryDto>() }, HttpStatusCode.BadRequest, ErrorCodes.InvalidModel),
            (new { name = "m", files = new[] { good }, framework = "" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidModel),
            (new { name = "m", files = new[] { good }, frameworkVersion = "1\n2" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidModel),
            (new { name = "m", files = new[] { good }, tags = new Dictionary<string, string> { [""] = "x" } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidName),
            (new { name = "m", files = new[] { good }, description = new string('x', 10_001) }, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest),
            (new { name = "m", files = new[] { good with { Path = "../m.bin" } } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidPath),
            (new { name = "m", files = new[] { good with { Path = "/etc/passwd" } } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidPath),
            (new { name = "m", files = new[] { good with { Path = "a/./m.bin" } } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidPath),
            (new { name = "m", files = new[] { good, good } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidPath),
            (new { name = "m", files = new[] { good with { Sha256 = "abc" } } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest),
            (new { name = "m", files = new[] { good, unknown with { Path = "other.bin" } } }, HttpStatusCode.Conflict, ErrorCodes.SnapshotIncomplete),
            (new { name = "m", runId = "no-such-run", path = "outputs/model.pkl" }, HttpStatusCode.NotFound, ErrorCodes.RunNotFound),
            (new { name = "m", runId = run.Id, path = "outputs/none.pkl" }, HttpStatusCode.NotFound, ErrorCodes.ArtifactNotFound),
            (new { name = "m", runId = run.Id, path = "outputs/model" }, HttpStatusCode.NotFound, ErrorCodes.ArtifactNotFound),
            (new { name = "m", runId = run.Id, path = "../outputs/model.pkl" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidPath),
            (new { name = "m", runId = run.Id, path = "/" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidPath),
        ];
        foreach (var (body, status, code) in cases)
        {
            var problem = await HttpAssert.Problem(status, code, await Post($"{Ws}/models", body));
            if (code == ErrorCodes.SnapshotIncomplete) Assert.Contains(unknown.Sha256, problem.Detail);
        }
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await PostRaw($"{Ws}/models", """{"name": "m", "files": "m.bin"}"""));

        Assert.Empty(await Listed("?allVersions=true"));
        Assert.Empty((await Get<ListResult<ModelDto>>($"{Ws}/runs/{run.Id}/models")).Value);
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Http.GetAsync($"{Ws}/models/m/versions"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Http.GetAsync($"{Ws}/models/m/versions/latest"));
        Assert.Equal(1, (await Register(new { name = "m", files = new[] { good } })).Version);
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Http.GetAsync($"{Ws}/models/m/versions/2"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.GetAsync($"{Ws}/models/m/versions/0"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.GetAsync($"{Ws}/models/m/versions/two"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Http.GetAsync($"{Ws}/models/.hidden/versions/1"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidPath, await Http.GetAsync($"{Ws}/models/m/versions/1/files/a%2F..%2F..%2Fm.bin"));
    }
}
