using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Api;

public abstract class ArtifactApiTests : ApiTestBase
{
    [Fact]
    public async Task Artifacts_upload_and_download_byte_for_byte_content_addressed()
    {
        var run = await CreateRun();
        var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var uploaded = await HttpAssert.Json<ArtifactDto>(HttpStatusCode.Created,
            await Http.PutAsync($"{Ws}/runs/{run.Id}/artifacts/outputs/model.bin", new StreamContent(new MemoryStream(bytes))));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), uploaded.Sha256);
        Assert.Equal(bytes.Length, uploaded.Size);
        Assert.Equal(bytes, await Http.GetByteArrayAsync($"{Ws}/runs/{run.Id}/artifacts/outputs/model.bin"));

        var other = await CreateRun();
        var copy = await HttpAssert.Json<ArtifactDto>(HttpStatusCode.Created,
            await Http.PutAsync($"{Ws}/runs/{other.Id}/artifacts/same.bin", new ByteArrayContent(bytes)));
        Assert.Equal(uploaded.Sha256, copy.Sha256);
        var blobFiles = Directory.GetFiles(Path.Combine(Server.DataDirectory, "blobs", "sha256"), "*", SearchOption.AllDirectories);
        Assert.Single(blobFiles);

        var request = new HttpRequestMessage(HttpMethod.Get, $"{Ws}/runs/{run.Id}/artifacts/outputs/model.bin");
        request.Headers.Range = new RangeHeaderValue(10, 19);
        var partial = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(bytes[10..20], await partial.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Artifacts_list_as_a_tree()
    {
        var run = await CreateRun();
        foreach (var path in new[] { "outputs/model.pkl", "outputs/eval/report.json", "outputs/eval/cm.png", "logs/train.log", "readme.txt" })
            await HttpAssert.Status(HttpStatusCode.Created, await Http.PutAsync($"{Ws}/runs/{run.Id}/artifacts/{path}", new StringContent(path)));
        await HttpAssert.Status(HttpStatusCode.Created, await Http.PutAsync($"{Ws}/runs/{run.Id}/artifacts/outputs/model.pkl", new StringContent("v2")));
        var all = await Get<ListResult<ArtifactEntryDto>>($"{Ws}/runs/{run.Id}/artifacts");
        Assert.Equal(["logs/train.log", "outputs/eval/cm.png", "outputs/eval/report.json", "outputs/model.pkl", "readme.txt"], all.Value.Select(e => e.Path));
        var top = await Get<ListResult<ArtifactEntryDto>>($"{Ws}/runs/{run.Id}/artifacts?recursive=false");
        Assert.Equal([("logs", "directory"), ("outputs", "directory"), ("readme.txt", "file")], top.Value.Select(e => (e.Path, e.Type)));
        var outputs = await Get<ListResult<ArtifactEntryDto>>($"{Ws}/runs/{run.Id}/artifacts?prefix=outputs&recursive=false");
        Assert.Equal([("outputs/eval", "directory"), ("outputs/model.pkl", "file")], outputs.Value.Select(e => (e.Path, e.Type)));
        Assert.Equal(2, outputs.Value[1].Size);
        Assert.Equal("v2", await Http.GetStringAsync($"{Ws}/runs/{run.Id}/artifacts/outputs/model.pkl"));
    }

    [Theory]
    [InlineData("..%2Fescape.txt")]
    [InlineData("a/..%2F..%2Fescape.txt")]
    [InlineData("a%5Cb.txt")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("a//b.txt")]
    public async Task Paths_that_escape_the_run_are_refused(string encodedPath)
    {
        var run = await CreateRun();
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidPath,
            await Http.PutAsync($"{Ws}/runs/{run.Id}/artifacts/{encodedPath}", new StringContent("x")));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidPath, await Http.GetAsync($"{Ws}/runs/{run.Id}/artifacts/{encodedPath}"));
        Assert.Empty((await Get<ListResult<ArtifactEntryDto>>($"{Ws}/runs/{run.Id}/artifacts")).Value);
    }

    [Theory]
    [InlineData("outputs/../escape.txt")]
    [InlineData("outputs/%2E%2E/escape.txt")]
    [InlineData("./a.txt")]
    public async Task Dot_segments_are_refused_not_resolved(string path)
    {
        var run = await CreateRun();
        var response = await RawHttp.SendAsync(Server.Url, "PUT", $"{Ws}/runs/{run.Id}/artifacts/{path}", Server.AdminToken, "x");
        Assert.StartsWith("HTTP/1.1 400", response);
        Assert.Contains("\"code\":\"invalid_path\"", response);
        Assert.Empty((await Get<ListResult<ArtifactEntryDto>>($"{Ws}/runs/{run.Id}/artifacts")).Value);
    }

    [Fact]
    public async Task Times_are_written_with_milliseconds_and_z()
    {
        var run = await CreateRun();
        var response = await Http.PutAsync($"{Ws}/runs/{run.Id}/artifacts/a.txt", new StringContent("x"));
        var json = await response.Content.ReadAsStringAsync();
        Assert.Matches("\"createdTime\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\"", json);
        Assert.Matches("\"startTime\":\"[^\"]+\\.\\d{3}Z\"", await Http.GetStringAsync($"{Ws}/runs/{run.Id}"));
    }

    [Fact]
    public async Task Missing_artifacts_and_runs_are_404s()
    {
        var run = await CreateRun();
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ArtifactNotFound, await Http.GetAsync($"{Ws}/runs/{run.Id}/artifacts/none.txt"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.RunNotFound, await Http.PutAsync($"{Ws}/runs/nope/artifacts/a.txt", new StringContent("x")));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidPath, await Http.GetAsync($"{Ws}/runs/{run.Id}/artifacts?prefix=..%2F"));
    }
}
