namespace Loom.Core.Tracking;

/// <summary>
/// Cuts a metric's points into consecutive buckets of at least <c>bucketSize</c> points and keeps the
/// minimum and maximum point of each (in logged order), so spikes survive downsampling. Whole blocks
/// that fit in a bucket are merged from their summaries without reading their points.
/// </summary>
public sealed class Downsampler(long bucketSize)
{
    private readonly List<StoredPoint> _output = [];
    private long _position;        // logged position of the next point
    private long _bucketCount;
    private (StoredPoint Point, long Position)? _min, _max;

    public static long BucketSizeFor(long count, int maxPoints) => (count + maxPoints / 2 - 1) / (maxPoints / 2);

    /// <summary>True when a block of this size can be merged from its summary alone.</summary>
    public bool CanMergeWhole(int blockCount) => blockCount <= bucketSize;

    public void AddSummary(BlockSummary summary)
    {
        Offer(summary.Min, _position + summary.MinIndex);
        Offer(summary.Max, _position + summary.MaxIndex);
        _position += summary.Count;
        _bucketCount += summary.Count;
        if (_bucketCount >= bucketSize) Close();
    }

    public void AddPoints(ReadOnlySpan<StoredPoint> points)
    {
        foreach (var point in points)
        {
            Offer(point, _position++);
            if (++_bucketCount >= bucketSize) Close();
        }
    }

    public List<StoredPoint> Finish()
    {
        Close();
        return _output;
    }

    private void Offer(StoredPoint point, long position)
    {
        if (_min is null) { _min = _max = (point, position); return; }
        if (double.IsNaN(point.Value)) return;
        if (double.IsNaN(_min.Value.Point.Value) || point.Value < _min.Value.Point.Value) _min = (point, position);
        if (double.IsNaN(_max!.Value.Point.Value) || point.Value > _max.Value.Point.Value) _max = (point, position);
    }

    private void Close()
    {
        if (_min is { } min && _max is { } max)
        {
            if (min.Position == max.Position) _output.Add(min.Point);
            else if (min.Position < max.Position) { _output.Add(min.Point); _output.Add(max.Point); }
            else { _output.Add(max.Point); _output.Add(min.Point); }
        }
        _min = _max = null;
        _bucketCount = 0;
    }
}
