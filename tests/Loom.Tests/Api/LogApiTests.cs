using System.Net;
using System.Text;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Api;

public abstract class LogApiTests : ApiTestBase
{
    private Task<HttpResponseMessage> Append(string runId, string file, string text, long? offset = null) =>
        Http.PostAsync($"{Ws}/runs/{runId}/logs/{file}" + (offset is null ? "" : $"?offset={offset}"), new ByteArrayContent(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public async Task Chunks_append_by_offset_and_retries_are_harmless()
    {
        var run = await CreateRun();
        Assert.Equal(6, (await HttpAssert.Json<LogFileDto>(HttpStatusCode.OK, await Append(run.Id, "std_log.txt", "hello\n", 0))).Length);
        Assert.Equal(12, (await HttpAssert.Json<LogFileDto>(HttpStatusCode.OK, await Append(run.Id, "std_log.txt", "world\n", 6))).Length);
        Assert.Equal(12, (await HttpAssert.Json<LogFileDto>(HttpStatusCode.OK, await Append(run.Id, "std_log.txt", "world\n", 6))).Length);
        Assert.Equal(15, (await HttpAssert.Json<LogFileDto>(HttpStatusCode.OK, await Append(run.Id, "std_log.txt", "ld\nbye", 9))).Length);
        Assert.Equal(18, (await HttpAssert.Json<LogFileDto>(HttpStatusCode.OK, await Append(run.Id, "std_log.txt", "!!\n"))).Length);
        Assert.Equal("hello\nworld\nbye!!\n", await Http.GetStringAsync($"{Ws}/runs/{run.Id}/logs/std_log.txt"));
        Assert.Equal("world", await Http.GetStringAsync($"{Ws}/runs/{run.Id}/logs/std_log.txt?offset=6&length=5"));
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Ws}/runs/{run.Id}/logs/std_log.txt");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(12, null);
        var partial = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("bye!!\n", await partial.Content.ReadAsStringAsync());
        await HttpAssert.Status(HttpStatusCode.OK, await Append(run.Id, "logs/driver.txt", "x"));
        var files = await Get<ListResult<LogFileDto>>($"{Ws}/runs/{run.Id}/logs");
        Assert.Equal([("logs/driver.txt", 1L), ("std_log.txt", 18L)], files.Value.Select(f => (f.File, f.Length)));
    }

    [Fact]
    public async Task Conflicting_and_gapped_chunks_are_refused_and_leave_the_log_intact()
    {
        var run = await CreateRun();
        await HttpAssert.Status(HttpStatusCode.OK, await Append(run.Id, "std_log.txt", "abcdef", 0));
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.LogOffsetConflict, await Append(run.Id, "std_log.txt", "XYZ", 2));
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.LogOffsetGap, await Append(run.Id, "std_log.txt", "late", 10));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Append(run.Id, "std_log.txt", "neg", -1));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidPath, await Append(run.Id, "..%2Fx.txt", "x"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.LogNotFound, await Http.GetAsync($"{Ws}/runs/{run.Id}/logs/none.txt"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.GetAsync($"{Ws}/runs/{run.Id}/logs/std_log.txt?offset=-3"));
        Assert.Equal("abcdef", await Http.GetStringAsync($"{Ws}/runs/{run.Id}/logs/std_log.txt"));
    }

    [Fact]
    public async Task Following_a_log_streams_new_chunks_until_the_run_ends()
    {
        var run = await CreateRun();
        await HttpAssert.Status(HttpStatusCode.OK, await Append(run.Id, "std_log.txt", "épo", 0));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await Http.GetAsync($"{Ws}/runs/{run.Id}/logs/std_log.txt?follow=true", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<string>();
        async Task<string> NextData()
        {
            while (true)
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException();
                if (line.StartsWith("event:")) events.Add(line[6..].Trim());
                if (line.StartsWith("data:")) return line[5..].Trim();
            }
        }
        Assert.Contains("\"text\":\"\\u00E9po\"", await NextData(), StringComparison.OrdinalIgnoreCase);
        await HttpAssert.Status(HttpStatusCode.OK, await Append(run.Id, "std_log.txt", "ch 1\n"));
        Assert.Contains("ch 1", await NextData());
        await HttpAssert.Status(HttpStatusCode.OK, await Patch($"{Ws}/runs/{run.Id}", new { status = "Completed" }));
        Assert.Contains("Completed", await NextData());
        Assert.Equal(["chunk", "chunk", "end"], events);
    }
}
