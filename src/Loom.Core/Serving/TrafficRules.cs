using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Serving;

/// <summary>An endpoint's traffic split: integer weights 0..100 over its deployments summing to 100, or none at all.</summary>
public static class TrafficRules
{
    /// <summary>The split in normal form (by name, weights as given); throws <c>invalid_traffic</c> naming the first problem.</summary>
    public static IReadOnlyDictionary<string, int> Check(IReadOnlyDictionary<string, int> traffic, IReadOnlyList<string> deployments)
    {
        var sorted = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, weight) in traffic)
        {
            if (!deployments.Contains(name, StringComparer.Ordinal))
                throw Invalid(deployments.Count == 0
                    ? $"Traffic names deployment '{Short(name)}', but the endpoint has no deployments yet."
                    : $"Traffic names deployment '{Short(name)}', which the endpoint does not have (it has {string.Join(", ", deployments)}).");
            if (weight is < 0 or > 100) throw Invalid($"Deployment '{name}' has weight {weight}; weights are whole numbers from 0 to 100.");
            sorted[name] = weight;
        }
        var sum = sorted.Values.Sum();
        if (sorted.Count > 0 && sum != 100)
            throw Invalid($"The weights sum to {sum}; they must sum to 100 (or give an empty map for no traffic).");
        return sorted;
    }

    /// <summary>
    /// Picks a deployment by weight among those with a weight above 0 that <paramref name="serves"/>; null when none does.
    /// <paramref name="roll"/> is a number in [0, 1).
    /// </summary>
    public static string? Pick(IReadOnlyDictionary<string, int> traffic, Func<string, bool> serves, double roll)
    {
        var total = 0;
        foreach (var (name, weight) in traffic)
            if (weight > 0 && serves(name)) total += weight;
        if (total == 0) return null;
        var target = roll * total;
        string? last = null;
        foreach (var (name, weight) in traffic)
        {
            if (weight <= 0 || !serves(name)) continue;
            last = name;
            target -= weight;
            if (target < 0) return name;
        }
        return last;
    }

    /// <summary>The split after a deployment is gone: its weight dropped (it is 0 unless it was the only deployment).</summary>
    public static IReadOnlyDictionary<string, int> Without(IReadOnlyDictionary<string, int> traffic, string deployment)
    {
        var rest = traffic.Where(t => t.Key != deployment).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        return rest.Values.Sum() == 100 ? rest : new Dictionary<string, int>();
    }

    private static string Short(string text) => text.Length <= 80 ? text : text[..77] + "...";

    private static LoomException Invalid(string detail) => new(ErrorCodes.InvalidTraffic, detail);
}
