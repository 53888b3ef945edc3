using System.Diagnostics;
using System.Globalization;
using Loom.Agent.Execution;
using Loom.Contracts;

namespace Loom.Agent.Metrics;

/// <summary>
/// Samples the machine the way Azure ML's system metrics do: CPU use since the previous sample (<c>/proc/stat</c>),
/// memory in use (<c>/proc/meminfo</c>: total less available) and, where <c>nvidia-smi</c> is installed, each GPU's use.
/// </summary>
internal sealed class SystemMetrics
{
    public const string Cpu = "system/cpu_utilization_percentage";
    public const string Memory = "system/system_memory_usage_megabytes";
    private static readonly TimeSpan GpuQueryTimeout = TimeSpan.FromSeconds(5);
    private readonly string? nvidiaSmi = Executables.Find("nvidia-smi");
    private (long Busy, long Total)? lastCpu = ReadCpu();

    /// <summary>The points of one sample at <paramref name="step"/>.</summary>
    public async Task<IReadOnlyList<MetricPoint>> SampleAsync(long step, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var points = new List<MetricPoint>();
        var cpu = ReadCpu();
        if (cpu is { } current && lastCpu is { } previous && current.Total > previous.Total)
            points.Add(new MetricPoint(Cpu, Math.Round(100.0 * (current.Busy - previous.Busy) / (current.Total - previous.Total), 2), step, now));
        lastCpu = cpu;
        if (ReadMemoryMegabytes() is { } memory) points.Add(new MetricPoint(Memory, memory, step, now));
        if (nvidiaSmi is not null)
        {
            var gpus = await QueryGpusAsync(nvidiaSmi, cancellationToken);
            for (var i = 0; i < gpus.Count; i++)
            {
                points.Add(new MetricPoint($"system/gpu_{i}_utilization_percentage", gpus[i].Utilization, step, now));
                points.Add(new MetricPoint($"system/gpu_{i}_memory_usage_megabytes", gpus[i].MemoryMegabytes, step, now));
            }
        }
        return points;
    }

    /// <summary>Jiffies busy and in total over all CPUs (the first line of /proc/stat); iowait counts as idle.</summary>
    private static (long Busy, long Total)? ReadCpu()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var total = fields.Take(8).Sum();
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
            return (total - idle, total);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double? ReadMemoryMegabytes()
    {
        try
        {
            var values = File.ReadLines("/proc/meminfo").Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                .ToDictionary(p => p[0], p => long.Parse(p[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
            return values.TryGetValue("MemTotal", out var total) && values.TryGetValue("MemAvailable", out var available)
                ? Math.Round((total - available) / 1024.0, 1)
                : null;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task<IReadOnlyList<(double Utilization, double MemoryMegabytes)>> QueryGpusAsync(string nvidiaSmi, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(nvidiaSmi) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["--query-gpu=utilization.gpu,memory.used", "--format=csv,noheader,nounits"]) start.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(start)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(GpuQueryTimeout);
            // A hung nvidia-smi is killed, not left behind to pile up one per interval.
            using var kill = timeout.Token.Register(() =>
            {
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { }
            });
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0) return [];
            return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.Split(',', StringSplitOptions.TrimEntries))
                .Where(f => f.Length == 2)
                .Select(f => (Parse(f[0]), Parse(f[1])))];
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return []; // a driver that hangs or vanished: no GPU points this time
        }
    }

    private static double Parse(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
