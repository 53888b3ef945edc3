using Loom.Contracts;

namespace Loom.Core.Tracking;

/// <summary>Append-only log files of runs, stored as chunks at byte offsets.</summary>
public interface ILogStore
{
    /// <summary>
    /// Writes <paramref name="data"/> at <paramref name="offset"/> (the end when null) and returns the new
    /// length. Bytes overlapping what is stored must equal it; a start past the end is a gap. Both are
    /// refused with a 409 <c>LoomException</c>.
    /// </summary>
    Task<long> AppendAsync(long runSeq, string file, long? offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    Task<IReadOnlyList<LogFileDto>> ListAsync(long runSeq, CancellationToken cancellationToken);
    Task<long?> LengthAsync(long runSeq, string file, CancellationToken cancellationToken);

    /// <summary>Bytes [offset, offset + length) of a file, clipped to its length.</summary>
    Task<byte[]> ReadAsync(long runSeq, string file, long offset, long length, CancellationToken cancellationToken);
}
