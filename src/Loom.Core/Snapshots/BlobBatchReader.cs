using System.Buffers.Binary;
using System.Text;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Snapshots;

/// <summary>
/// Reads a blob batch (<c>POST /blobs</c>, <see cref="ContentType"/>): frames of a 64-character SHA-256 hex digest,
/// the length as an 8-byte big-endian integer, then that many bytes. Small files travel many to a request.
/// </summary>
public static class BlobBatchReader
{
    public const string ContentType = "application/x-loom-blob-batch";
    private const int HeaderLength = 64 + 8;

    /// <summary>Hands each frame's digest and bytes (a stream of exactly its length) to <paramref name="store"/>, in order.</summary>
    public static async Task<int> ReadAsync(Stream body, long maxBlobBytes, Func<string, Stream, Task> store, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderLength];
        var count = 0;
        while (true)
        {
            var read = await body.ReadAtLeastAsync(header, HeaderLength, throwOnEndOfStream: false, cancellationToken);
            if (read == 0) return count;
            if (read < HeaderLength) throw Malformed($"frame {count + 1} ends inside its header");
            var sha = Encoding.ASCII.GetString(header, 0, 64);
            var length = BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(64));
            if (length < 0 || length > maxBlobBytes) throw Malformed($"frame {count + 1} claims {length} bytes (at most {maxBlobBytes:N0})");
            var frame = new FrameStream(body, length);
            await store(sha, frame);
            if (frame.Remaining > 0) throw Malformed($"frame {count + 1} was not read to its end");
            count++;
        }
    }

    private static LoomException Malformed(string detail) =>
        new(ErrorCodes.InvalidRequest, $"The blob batch is malformed: {detail}. Each frame is a 64-character SHA-256, an 8-byte big-endian length and the bytes.");

    /// <summary>A read-only window of the next <c>length</c> bytes of the body; a body that ends early is a malformed batch.</summary>
    private sealed class FrameStream(Stream inner, long frameLength) : Stream
    {
        private readonly long _length = frameLength;

        public long Remaining { get; private set; } = frameLength;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => _length;
        public override long Position { get => _length - Remaining; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Remaining == 0) return 0;
            var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, Remaining)], cancellationToken);
            if (read == 0) throw Malformed("the body ends inside a frame");
            Remaining -= read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read the batch asynchronously.");
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
