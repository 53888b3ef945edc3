namespace Loom.Agent.Logs;

/// <summary>
/// The bytes of one log file not yet acknowledged by the server, and the offset where they start.
/// Not thread-safe: <see cref="LogStreamer"/> guards it.
/// </summary>
internal sealed class PendingLog
{
    private byte[] buffer = new byte[4096];

    /// <summary>Bytes the server has acknowledged: the offset of the first pending byte.</summary>
    public long Sent { get; private set; }

    public int Count { get; private set; }

    /// <summary>When its last send started (a <see cref="System.Diagnostics.Stopwatch"/> timestamp; 0 before the first).</summary>
    public long LastSend { get; set; }

    /// <summary>The server refused this file for good (not a transient failure); what follows is dropped.</summary>
    public bool Refused { get; private set; }

    public void Add(ReadOnlySpan<byte> data)
    {
        if (Refused) return;
        if (Count + data.Length > buffer.Length) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, Count + data.Length));
        data.CopyTo(buffer.AsSpan(Count));
        Count += data.Length;
    }

    /// <summary>A copy of the first pending bytes, at most <paramref name="max"/>.</summary>
    public byte[] Peek(int max) => buffer.AsSpan(0, Math.Min(Count, max)).ToArray();

    /// <summary>Drops the first <paramref name="length"/> bytes, which the server now has.</summary>
    public void Acknowledge(int length)
    {
        buffer.AsSpan(length, Count - length).CopyTo(buffer);
        Count -= length;
        Sent += length;
    }

    public void Refuse()
    {
        Refused = true;
        Count = 0;
    }
}
