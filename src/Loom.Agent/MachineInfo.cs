using System.Diagnostics;
using System.Globalization;
using Loom.Agent.Execution;

namespace Loom.Agent;

/// <summary>What the agent tells the server about its machine when it registers.</summary>
internal static class MachineInfo
{
    /// <summary>Total memory from <c>/proc/meminfo</c>, or null where it cannot be read.</summary>
    public static long? MemoryBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>GPUs listed by <c>nvidia-smi -L</c>; 0 without it.</summary>
    public static int GpuCount()
    {
        if (Executables.Find("nvidia-smi") is not { } smi) return 0;
        try
        {
            var start = new ProcessStartInfo(smi, "-L") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return 0;
            }
            if (process.ExitCode != 0) return 0;
            return output.Result.Split('\n').Count(l => l.StartsWith("GPU ", StringComparison.Ordinal));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 0;
        }
    }
}
