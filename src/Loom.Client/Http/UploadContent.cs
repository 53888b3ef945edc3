using System.Net;

namespace Loom.Client.Http;

/// <summary>
/// Streams a caller's stream as a request body without owning it, so a retry can rewind it and the caller
/// still holds it afterwards.
/// </summary>
internal sealed class UploadContent : HttpContent
{
    private const int BufferSize = 81920;
    private readonly Stream source;
    private readonly long start;
    private readonly Action<TransferProgress>? progress;

    public UploadContent(Stream source, Action<TransferProgress>? progress)
    {
        this.source = source;
        this.progress = progress;
        start = source.CanSeek ? source.Position : 0;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (source.CanSeek) source.Position = start;
        long? total = TryComputeLength(out var length) ? length : null;
        var buffer = new byte[BufferSize];
        long sent = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            sent += read;
            progress?.Invoke(new TransferProgress(sent, total));
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = source.CanSeek ? source.Length - start : -1;
        return source.CanSeek;
    }
}
