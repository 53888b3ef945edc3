namespace Loom.Studio.Components.Pages.Compare;

/// <summary>One key (a parameter or metric) across the compared runs: a value per run (null where a run has none).</summary>
public sealed record CompareRow(string Key, IReadOnlyList<string?> Values)
{
    /// <summary>True when the runs do not all hold the same value (a run without the key differs from one with it).</summary>
    public bool Differs { get; } = Values.Distinct(StringComparer.Ordinal).Skip(1).Any();

    /// <summary>A row per key any run has, by key; values lined up with <paramref name="runs"/>.</summary>
    public static IReadOnlyList<CompareRow> Build<T>(IReadOnlyList<IReadOnlyDictionary<string, T>> runs, Func<T, string> format) =>
        runs.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(key => new CompareRow(key, runs.Select(r => r.TryGetValue(key, out var v) ? format(v) : null).ToList()))
            .ToList();
}
