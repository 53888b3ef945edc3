using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Snapshots;

/// <summary><c>POST /blobs</c>: many small blobs in one request, each checked against its digest.</summary>
public sealed class BlobBatchApiTests : IAsyncLifetime
{
    private const string Url = "/api/v1/workspaces/default/blobs";
    private LoomTestServer _server = null!;

    public async Task InitializeAsync() => _server = await LoomTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_batch_stores_every_blob_it_carries()
    {
        var blobs = new[] { "alpha"u8.ToArray(), "beta"u8.ToArray(), Array.Empty<byte>() };
        var stored = await HttpAssert.Json<ListResult<BlobDto>>(HttpStatusCode.OK, await Send(Batch(blobs.Select(b => (Sha(b), b)).ToArray())));
        Assert.Equal(blobs.Select(Sha), stored.Value.Select(b => b.Sha256));
        Assert.Equal([5L, 4L, 0L], stored.Value.Select(b => b.Size));
        var missing = await _server.Client.Snapshots.MissingAsync("default", [.. blobs.Select(Sha)]);
        Assert.Empty(missing);
    }

    [Fact]
    public async Task A_bad_batch_is_a_problem_and_stores_no_wrong_bytes()
    {
        var good = "good"u8.ToArray();
        var wrong = "wrong"u8.ToArray();
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.HashMismatch, await Send(Batch((Sha(good), wrong))));
        Assert.Single(await _server.Client.Snapshots.MissingAsync("default", [Sha(good)]));

        var frame = Batch((Sha(good), good));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Send(frame[..^2]));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Send(frame[..30]));
        var huge = (byte[])frame.Clone();
        BinaryPrimitives.WriteInt64BigEndian(huge.AsSpan(64), long.MaxValue);
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Send(huge));
        var notHex = (byte[])frame.Clone();
        notHex[0] = (byte)'Z';
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Send(notHex));
    }

    private async Task<HttpResponseMessage> Send(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-loom-blob-batch");
        return await _server.Http.PostAsync(Url, content);
    }

    private static byte[] Batch(params (string Sha, byte[] Bytes)[] frames)
    {
        using var buffer = new MemoryStream();
        foreach (var (sha, bytes) in frames)
        {
            buffer.Write(Encoding.ASCII.GetBytes(sha));
            var length = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(length, bytes.Length);
            buffer.Write(length);
            buffer.Write(bytes);
        }
        return buffer.ToArray();
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
