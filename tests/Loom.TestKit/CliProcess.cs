using System.Diagnostics;

namespace Loom.TestKit;

/// <summary>The outcome of one <c>loom</c> invocation.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>
/// Runs the built <c>loom</c> CLI as a separate process, as a user would, with a private home folder
/// and only the environment a test gives it.
/// </summary>
public sealed class CliProcess(string home)
{
    /// <summary>loom.dll next to the test assembly (the test project references the CLI).</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "loom.dll");

    public Dictionary<string, string> Environment { get; } = [];

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var process = Start(args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts loom without waiting; the caller reads its output and ends it.</summary>
    public Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("LOOM_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        start.Environment["HOME"] = home;
        start.Environment["LOOM_CONFIG_DIR"] = Path.Combine(home, ".config", "loom");
        foreach (var (name, value) in Environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }
}
