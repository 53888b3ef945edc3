namespace Loom.Studio.Components.Charts;

/// <summary>
/// One axis of a parallel-coordinates chart: a value per line; a categorical axis holds indexes into
/// <see cref="Categories"/>, which label its ticks.
/// </summary>
public sealed record ParallelDimension(string Label, IReadOnlyList<double> Values, IReadOnlyList<string>? Categories = null)
{
    public bool IsCategorical => Categories is not null;
}
