using System.Diagnostics;
using Loom.TestKit;

namespace Loom.Tests.Agent;

/// <summary>What the agent tests share: Debian's Python, a local wheel, bounded waits.</summary>
internal static class AgentTestTools
{
    /// <summary>Debian's interpreter (the first python3 on PATH may be another, without python3-venv's ensurepip).</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Builds <c>tinypkg-1.0</c> (a module with <c>VALUE = 42</c>) into a wheel in <paramref name="wheelFolder"/>, offline.</summary>
    /// <summary>Whether a process exists and is not a zombie (state Z or X in /proc/PID/stat).</summary>
    public static bool IsLive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static async Task BuildTinyWheelAsync(string wheelFolder)
    {
        using var source = new TempDirectory("loom-wheel-src");
        Directory.CreateDirectory(source.Combine("tinypkg"));
        await File.WriteAllTextAsync(source.Combine("tinypkg", "__init__.py"), "VALUE = 42\n");
        await File.WriteAllTextAsync(source.Combine("setup.py"),
            "from setuptools import setup\nsetup(name='tinypkg', version='1.0', packages=['tinypkg'])\n");
        var (code, output) = await RunAsync(Python, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
            "--disable-pip-version-check", "-w", wheelFolder, source.Path);
        Assert.True(code == 0, output);
        Assert.Single(Directory.GetFiles(wheelFolder, "tinypkg-1.0-*.whl"));
    }

    /// <summary>Runs a program to its end (at most two minutes) and returns its exit code and merged output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>Polls an async condition the same way.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(100);
        }
        return true;
    }
}
