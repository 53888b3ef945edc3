using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Tracking;

/// <summary>The lifecycle and write-once rules of runs, checked by stores inside their transactions.</summary>
public static class RunRules
{
    public static void CheckTransition(string runId, RunStatus from, RunStatus to)
    {
        if (from == to) return;
        var allowed = !from.IsTerminal() && (to > from || to is RunStatus.CancelRequested or RunStatus.Completed or RunStatus.Failed or RunStatus.Canceled)
            && !(from == RunStatus.CancelRequested && to is not (RunStatus.Completed or RunStatus.Failed or RunStatus.Canceled));
        if (!allowed)
            throw new LoomException(ErrorCodes.InvalidStatusTransition, $"Run '{runId}' is {from} and cannot become {to}.");
    }

    /// <summary>Write-once maps: a new key may be added, an existing key only set to the value it has.</summary>
    public static void CheckWriteOnce(string runId, string what, string code, IReadOnlyDictionary<string, string> existing, IReadOnlyDictionary<string, string>? incoming)
    {
        if (incoming is null) return;
        foreach (var (key, value) in incoming)
            if (existing.TryGetValue(key, out var current) && current != value)
                throw new LoomException(code, $"{what} '{key}' of run '{runId}' is already '{current}' and cannot change to '{value}'.");
    }
}
