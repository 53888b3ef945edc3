using Loom.Core.Tracking;

namespace Loom.Tests.Unit;

public sealed class MetricBlocksTests
{
    [Fact]
    public void Encode_and_decode_round_trip_including_non_finite_values()
    {
        StoredPoint[] points = [new(0, 1.5, 10), new(7, double.NaN, 11), new(8, double.PositiveInfinity, 12), new(9, double.NegativeInfinity, 13)];
        var data = MetricBlocks.Encode(points);
        Assert.Equal(points.Length * MetricBlocks.PointSize, data.Length);
        Assert.Equal(points, MetricBlocks.Decode(data).ToArray());
    }

    [Fact]
    public void Summary_names_the_extremes_and_their_positions()
    {
        StoredPoint[] points = [new(0, 3, 0), new(1, -2, 1), new(2, 9, 2), new(3, 4, 3)];
        var summary = MetricBlocks.Summarize(points);
        Assert.Equal((4, 0L, 3L), (summary.Count, summary.FirstStep, summary.LastStep));
        Assert.Equal((-2.0, 1), (summary.Min.Value, summary.MinIndex));
        Assert.Equal((9.0, 2), (summary.Max.Value, summary.MaxIndex));
    }
}
