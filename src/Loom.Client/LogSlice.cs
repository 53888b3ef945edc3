namespace Loom.Client;

/// <summary>Bytes read from a log starting at <see cref="Offset"/>, and the log's whole length at the time.</summary>
public sealed record LogSlice(long Offset, byte[] Data, long TotalLength);
