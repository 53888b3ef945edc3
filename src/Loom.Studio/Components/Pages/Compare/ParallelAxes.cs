using System.Globalization;
using Loom.Contracts;
using Loom.Studio.Components.Charts;

namespace Loom.Studio.Components.Pages.Compare;

/// <summary>
/// The axes of the parallel-coordinates view: one per parameter that varies across the runs (numbers as numbers, anything
/// else as the index of its value among the sorted values), then the chosen metric. Runs without the metric are left out.
/// </summary>
public sealed record ParallelAxes(IReadOnlyList<ParallelDimension> Dimensions, IReadOnlyList<string> RunsWithoutMetric, int ConstantParams)
{
    public const string Missing = "(none)";

    public static ParallelAxes Build(IReadOnlyList<RunDto> runs, string metric)
    {
        var included = runs.Where(r => r.Metrics.TryGetValue(metric, out var v) && double.IsFinite(v)).ToList();
        var left = runs.Where(r => !included.Contains(r)).Select(r => r.DisplayName ?? r.Id).ToList();
        var keys = included.SelectMany(r => r.Params.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var columns = keys.Select(k => (Key: k, Values: included.Select(r => r.Params.GetValueOrDefault(k)).ToList())).ToList();
        var varying = columns.Where(c => c.Values.Distinct(StringComparer.Ordinal).Skip(1).Any()).ToList();
        // With nothing varying there is nothing to explain; show every parameter rather than an axis-less chart.
        var shown = varying.Count > 0 ? varying : columns;
        var dimensions = shown.Select(c => Dimension(c.Key, c.Values)).ToList();
        dimensions.Add(new ParallelDimension(metric, included.Select(r => r.Metrics[metric]).ToList()));
        return new ParallelAxes(dimensions, left, columns.Count - shown.Count);
    }

    public static ParallelDimension Dimension(string label, IReadOnlyList<string?> values)
    {
        var numbers = values.Select(Number).ToList();
        if (numbers.All(n => n is not null)) return new ParallelDimension(label, numbers.Select(n => n!.Value).ToList());
        var categories = values.Select(v => v ?? Missing).Distinct(StringComparer.Ordinal)
            .OrderBy(v => Number(v) ?? double.MaxValue).ThenBy(v => v, StringComparer.Ordinal).ToList();
        return new ParallelDimension(label, values.Select(v => (double)categories.IndexOf(v ?? Missing)).ToList(), categories);
    }

    private static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
}
