using Loom.Core.Tracking;

namespace Loom.Tests.Unit;

public sealed class DownsamplerTests
{
    private static StoredPoint[] Wave(int count, int spikeAt = -1) =>
        Enumerable.Range(0, count).Select(i => new StoredPoint(i, i == spikeAt ? 1000 : Math.Sin(i / 100.0), i)).ToArray();

    [Fact]
    public void Keeps_min_and_max_of_each_bucket_and_never_more_than_asked()
    {
        var points = Wave(100_000, spikeAt: 51_234);
        var sampler = new Downsampler(Downsampler.BucketSizeFor(points.Length, 1000));
        sampler.AddPoints(points);
        var output = sampler.Finish();
        Assert.InRange(output.Count, 900, 1000);
        Assert.Contains(output, p => p.Step == 51_234 && p.Value == 1000);
        Assert.Equal(output.OrderBy(p => p.Step), output);
    }

    [Fact]
    public void Merging_block_summaries_matches_reading_every_point()
    {
        var points = Wave(50_000, spikeAt: 20_001);
        var bucket = Downsampler.BucketSizeFor(points.Length, 40);
        var fromPoints = new Downsampler(bucket);
        fromPoints.AddPoints(points);
        var fromBlocks = new Downsampler(bucket);
        foreach (var block in points.Chunk(MetricBlocks.Capacity))
        {
            Assert.True(fromBlocks.CanMergeWhole(block.Length));
            fromBlocks.AddSummary(MetricBlocks.Summarize(block));
        }
        var blockOutput = fromBlocks.Finish();
        Assert.Contains(blockOutput, p => p.Step == 20_001);
        Assert.InRange(blockOutput.Count, 2, 40);
        Assert.Equal(fromPoints.Finish().Max(p => p.Value), blockOutput.Max(p => p.Value));
    }

    [Fact]
    public void Nan_points_do_not_hide_real_extremes()
    {
        StoredPoint[] points = [new(0, double.NaN, 0), new(1, 5, 1), new(2, double.NaN, 2), new(3, -5, 3)];
        var sampler = new Downsampler(4);
        sampler.AddPoints(points);
        var output = sampler.Finish();
        Assert.Equal([5.0, -5.0], output.Select(p => p.Value));
    }
}
