namespace Loom.Studio.Components.Charts;

/// <summary>What a metric chart's x-axis shows: the logged step, or the time each point was logged (UTC).</summary>
public enum MetricAxis
{
    Step,
    Time,
}
