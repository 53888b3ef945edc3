using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Loom.Core.Tracking;

/// <summary>One scalar point as stored inside a block: 24 bytes, little-endian.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public readonly record struct StoredPoint(long Step, double Value, long TimeMs);

/// <summary>
/// Scalar points are stored in blocks of up to <see cref="Capacity"/> points per (run, metric), each
/// with a summary (count, step range, min and max point) so a downsampled read touches summaries only.
/// </summary>
public static class MetricBlocks
{
    public const int Capacity = 1024;
    public const int PointSize = 24;

    static MetricBlocks() => Debug.Assert(BitConverter.IsLittleEndian && Marshal.SizeOf<StoredPoint>() == PointSize);

    public static byte[] Encode(ReadOnlySpan<StoredPoint> points) => MemoryMarshal.AsBytes(points).ToArray();

    public static ReadOnlySpan<StoredPoint> Decode(ReadOnlySpan<byte> data) => MemoryMarshal.Cast<byte, StoredPoint>(data);

    public static BlockSummary Summarize(ReadOnlySpan<StoredPoint> points)
    {
        Debug.Assert(points.Length > 0);
        int min = -1, max = -1;
        for (var i = 0; i < points.Length; i++)
        {
            var value = points[i].Value;
            if (double.IsNaN(value)) continue;
            if (min < 0 || value < points[min].Value) min = i;
            if (max < 0 || value > points[max].Value) max = i;
        }
        // A block of NaNs only still has a point to show.
        if (min < 0) min = max = 0;
        return new BlockSummary(points.Length, points[0].Step, points[^1].Step, points[min], min, points[max], max);
    }
}

/// <summary>What a block's summary columns hold: the min and max points with their positions in the block.</summary>
public readonly record struct BlockSummary(int Count, long FirstStep, long LastStep, StoredPoint Min, int MinIndex, StoredPoint Max, int MaxIndex);

/// <summary>A block as read back: its sequence number within the metric, its summary, and its points when asked for.</summary>
public sealed record MetricBlock(long Seq, BlockSummary Summary, byte[]? Data);
