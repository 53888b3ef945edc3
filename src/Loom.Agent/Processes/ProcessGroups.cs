using System.Globalization;

namespace Loom.Agent.Processes;

/// <summary>Reads process groups from <c>/proc</c>.</summary>
internal static class ProcessGroups
{
    /// <summary>
    /// Whether a live process is left in the group. Zombies do not count: where PID 1 does not reap orphans
    /// (a container's init), a dead grandchild would otherwise look alive forever.
    /// </summary>
    public static bool IsAlive(int processGroupId)
    {
        if (!NativeSignals.SignalGroup(processGroupId, 0)) return false;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out _)) continue;
            if (ReadStat(folder) is { } stat && stat.Group == processGroupId && stat.State is not ('Z' or 'X')) return true;
        }
        return false;
    }

    private static (char State, int Group)? ReadStat(string folder)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(folder, "stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended while we looked
        }
        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so parse after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 2 && int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group)
            ? (fields[0][0], group)
            : null;
    }
}
