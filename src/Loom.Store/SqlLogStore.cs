using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Tracking;

namespace Loom.Store;

/// <summary>Log files as chunks keyed by their start offset; the file row holds the length.</summary>
public sealed class SqlLogStore(LoomDatabase db) : ILogStore
{
    public Task<long> AppendAsync(long runSeq, string file, long? offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            // The file row is created first so that concurrent appends to it queue up on its lock.
            await c.Execute(t, "INSERT INTO log_files (run_seq, file, length) VALUES (@runSeq, @file, 0) ON CONFLICT (run_seq, file) DO NOTHING",
                new { runSeq, file }, cancellationToken);
            var length = await c.Scalar<long>(t, "SELECT length FROM log_files WHERE run_seq = @runSeq AND file = @file" + db.Dialect.ForUpdate,
                new { runSeq, file }, cancellationToken);
            var start = offset ?? length;
            if (start > length)
                throw new LoomException(ErrorCodes.LogOffsetGap, $"Log '{file}' is {length} bytes long; a chunk cannot start at {start}.");
            var overlap = (int)Math.Min(length - start, data.Length);
            if (overlap > 0)
            {
                var stored = await ReadAsync(c, t, runSeq, file, start, overlap, cancellationToken);
                if (!stored.AsSpan().SequenceEqual(data.Span[..overlap]))
                    throw new LoomException(ErrorCodes.LogOffsetConflict, $"Bytes {start}-{start + overlap - 1} of log '{file}' differ from what is stored.");
            }
            if (overlap == data.Length) return length;
            var rest = data[overlap..].ToArray();
            await c.Execute(t, "INSERT INTO log_chunks (run_seq, file, start_offset, data) VALUES (@runSeq, @file, @length, @rest)",
                new { runSeq, file, length, rest }, cancellationToken);
            var newLength = length + rest.Length;
            await c.Execute(t, "UPDATE log_files SET length = @newLength WHERE run_seq = @runSeq AND file = @file", new { runSeq, file, newLength }, cancellationToken);
            return newLength;
        }, cancellationToken);

    public async Task<IReadOnlyList<LogFileDto>> ListAsync(long runSeq, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return (await c.Query<LogFileRow>(null, "SELECT file, length FROM log_files WHERE run_seq = @runSeq ORDER BY file", new { runSeq }, cancellationToken))
            .Select(r => new LogFileDto(r.File, r.Length)).ToList();
    }

    public async Task<long?> LengthAsync(long runSeq, string file, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await c.First<long?>(null, "SELECT length FROM log_files WHERE run_seq = @runSeq AND file = @file", new { runSeq, file }, cancellationToken);
    }

    public async Task<byte[]> ReadAsync(long runSeq, string file, long offset, long length, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return await ReadAsync(c, null, runSeq, file, offset, length, cancellationToken);
    }

    private static async Task<byte[]> ReadAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? t, long runSeq, string file, long offset, long length, CancellationToken ct)
    {
        if (length <= 0) return [];
        var end = offset + length;
        var chunks = await c.Query<ChunkRow>(t,
            "SELECT start_offset, data FROM log_chunks WHERE run_seq = @runSeq AND file = @file AND start_offset < @end " +
            "AND start_offset >= COALESCE((SELECT MAX(start_offset) FROM log_chunks WHERE run_seq = @runSeq AND file = @file AND start_offset <= @offset), 0) ORDER BY start_offset",
            new { runSeq, file, offset, end }, ct);
        using var result = new MemoryStream();
        foreach (var chunk in chunks)
        {
            var from = Math.Max(offset, chunk.StartOffset);
            var to = Math.Min(end, chunk.StartOffset + chunk.Data.Length);
            if (to > from) result.Write(chunk.Data, (int)(from - chunk.StartOffset), (int)(to - from));
        }
        return result.ToArray();
    }

    private sealed class LogFileRow
    {
        public string File { get; set; } = "";
        public long Length { get; set; }
    }

    private sealed class ChunkRow
    {
        public long StartOffset { get; set; }
        public byte[] Data { get; set; } = [];
    }
}
