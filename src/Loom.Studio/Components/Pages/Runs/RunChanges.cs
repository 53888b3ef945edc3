using Loom.Contracts;

namespace Loom.Studio.Components.Pages.Runs;

/// <summary>Whether a fresh copy of a run says anything new: the run page polls less often while it does not.</summary>
public static class RunChanges
{
    public static bool Differ(RunDto before, RunDto after) =>
        before.Status != after.Status || before.StartTime != after.StartTime || before.EndTime != after.EndTime
        || before.StatusHistory.Count != after.StatusHistory.Count || before.Error != after.Error
        || before.DisplayName != after.DisplayName || before.Description != after.Description
        || !Same(before.Params, after.Params) || !Same(before.Tags, after.Tags) || !Same(before.Properties, after.Properties)
        || !Same(before.Metrics, after.Metrics);

    private static bool Same<T>(IReadOnlyDictionary<string, T> a, IReadOnlyDictionary<string, T> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var value) && EqualityComparer<T>.Default.Equals(p.Value, value));
}
