namespace Loom.Client;

/// <summary>How far a transfer is: bytes moved so far, and the total when the server said it.</summary>
public readonly record struct TransferProgress(long Bytes, long? TotalBytes);
