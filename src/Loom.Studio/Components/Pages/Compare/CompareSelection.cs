using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Studio.Components.Pages.Compare;

/// <summary>The runs a <c>/compare?runs=a,b,...</c> address names: 2 to 10 distinct run ids.</summary>
public static class CompareSelection
{
    public const int MinRuns = 2;
    public const int MaxRuns = 10;

    /// <summary>The ids in the order given, each once; a problem that says what to fix when there are too few or too many.</summary>
    public static IReadOnlyList<string> Parse(string? runs)
    {
        var ids = (runs ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count is < MinRuns or > MaxRuns)
            throw new LoomException(ErrorCodes.InvalidRequest,
                $"Compare takes {MinRuns} to {MaxRuns} runs; this address names {ids.Count}. " +
                "Name them as /compare?runs=<run id>,<run id>, or tick them on an experiment's page.");
        return ids;
    }
}
