namespace Loom.Studio.Components.Charts;

/// <summary>
/// One line of a metric chart: a metric's points in logged order, downsampled by the store when the metric is long
/// (<see cref="LoggedCount"/> says how many were logged); <see cref="Color"/> keeps a
/// compared run's colour on every chart. Non-finite values are kept and drawn as gaps.
/// </summary>
public sealed record MetricSeries(string Label, IReadOnlyList<long> Steps, IReadOnlyList<double> Values, IReadOnlyList<DateTime> Times, long LoggedCount,
    string? Color = null)
{
    public int Count => Values.Count;
    public bool IsDownsampled => LoggedCount > Values.Count;
}
