using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Loom.Client.Snapshots;

/// <summary>
/// A request body of many small files for <c>POST /blobs</c>: per file its SHA-256 (64 hex characters), its length
/// (8 bytes, big-endian) and its bytes. Files are read as the body is sent, so a retry reads them again.
/// </summary>
internal sealed class BlobBatchContent : HttpContent
{
    public const string MediaType = "application/x-loom-blob-batch";
    private readonly IReadOnlyList<(string Sha256, SnapshotFile File)> blobs;

    public BlobBatchContent(IReadOnlyList<(string Sha256, SnapshotFile File)> blobs)
    {
        this.blobs = blobs;
        Headers.ContentType = new MediaTypeHeaderValue(MediaType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var header = new byte[72];
        foreach (var (sha, file) in blobs)
        {
            var bytes = await File.ReadAllBytesAsync(file.FullPath, cancellationToken);
            Encoding.ASCII.GetBytes(sha, header);
            BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(64), bytes.Length);
            await stream.WriteAsync(header, cancellationToken);
            await stream.WriteAsync(bytes, cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
