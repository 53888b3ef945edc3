using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Loom.Agent.Execution;
using Loom.Agent.Processes;
using Loom.Contracts;

namespace Loom.Agent.Environments;

/// <summary>
/// Materializes environments: a venv per environment hash under <c>&lt;cache&gt;/envs/&lt;hash&gt;/</c>, built once
/// (<c>python -m venv</c>, then <c>pip install -r</c> of the requirements) under an exclusive lock file, and marked
/// complete by a marker file written last. The venv is built where it stays rather than renamed into place from a
/// temporary folder, because a venv is not relocatable (pip writes its absolute path into the scripts it installs);
/// the marker plays the rename's part, and a folder without it is a crashed build that the next builder removes.
/// </summary>
public sealed partial class EnvironmentBuilder(string cacheDirectory, string agentPython)
{
    /// <summary>The file written into a venv once it is complete.</summary>
    public const string MarkerFile = ".loom-environment.json";

    /// <summary>The interpreter name that means the agent's own interpreter as it is (the curated <c>system</c> environment).</summary>
    public const string AgentInterpreter = "agent";

    private const string DefaultInterpreter = "python3";
    private const int TailLines = 15;
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    /// <summary>The venv folder of an environment hash.</summary>
    public string VenvFolder(string hash) => Path.Combine(cacheDirectory, "envs", hash);

    /// <summary>
    /// The environment ready to run with: reused when built before, else built now with its output streamed to
    /// <paramref name="buildLog"/>. A failed build throws <see cref="EnvironmentBuildException"/> and leaves nothing behind.
    /// </summary>
    public async Task<PreparedEnvironment> PrepareAsync(EnvironmentDto environment, Action<ReadOnlyMemory<byte>> buildLog,
        CancellationToken cancellationToken = default)
    {
        var python = environment.Python;
        if (python.Interpreter == AgentInterpreter) return new PreparedEnvironment(agentPython, null, Reused: true, TimeSpan.Zero);
        if (!HashPattern().IsMatch(environment.Hash)) throw new InvalidDataException($"'{environment.Hash}' is not an environment hash.");
        var folder = VenvFolder(environment.Hash);
        if (File.Exists(Path.Combine(folder, MarkerFile))) return Ready(folder, reused: true, TimeSpan.Zero);

        using var held = await FileLock.AcquireAsync(folder + ".lock", cancellationToken);
        // Built by another job or agent while we waited.
        if (File.Exists(Path.Combine(folder, MarkerFile))) return Ready(folder, reused: true, TimeSpan.Zero);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await BuildAsync(environment, folder, buildLog, cancellationToken);
        }
        catch
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            throw;
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        Line(buildLog, string.Create(CultureInfo.InvariantCulture, $"environment {environment.Hash} built in {elapsed.TotalSeconds:F1} s"));
        return Ready(folder, reused: false, elapsed);
    }

    private async Task BuildAsync(EnvironmentDto environment, string folder, Action<ReadOnlyMemory<byte>> buildLog, CancellationToken cancellationToken)
    {
        var python = environment.Python;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        var tail = new OutputTail(TailLines);
        void Output(ReadOnlyMemory<byte> data)
        {
            buildLog(data);
            tail.Add(data.Span);
        }

        var interpreter = string.IsNullOrWhiteSpace(python.Interpreter) || python.Interpreter == DefaultInterpreter ? agentPython : python.Interpreter;
        Line(buildLog, $"building environment {environment.Name}:{environment.Version} ({environment.Hash}) in {folder}");
        List<string> venv = [interpreter, "-m", "venv"];
        if (python.SystemSitePackages) venv.Add("--system-site-packages");
        venv.Add(folder);
        await RunStepAsync(venv, Path.Combine(cacheDirectory, "envs"), Output, tail, cancellationToken);

        var requirements = python.Requirements?.Where(r => !string.IsNullOrWhiteSpace(r)).ToList() ?? [];
        if (requirements.Count > 0)
        {
            var file = Path.Combine(folder, "loom-requirements.txt");
            await File.WriteAllLinesAsync(file, requirements, cancellationToken);
            await RunStepAsync([Path.Combine(folder, "bin", "python"), "-m", "pip", "install", "--disable-pip-version-check",
                .. PipOptionArguments(python.PipOptions), "-r", file], folder, Output, tail, cancellationToken);
        }
        var marker = new { environment.Hash, environment.Name, environment.Version, Built = DateTimeOffset.UtcNow };
        await File.WriteAllBytesAsync(Path.Combine(folder, MarkerFile), JsonSerializer.SerializeToUtf8Bytes(marker, LoomJson.Options), cancellationToken);
    }

    /// <summary>The pip arguments a spec's options stand for.</summary>
    public static IReadOnlyList<string> PipOptionArguments(PipOptions? options)
    {
        if (options is null) return [];
        var args = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.IndexUrl)) args.AddRange(["--index-url", options.IndexUrl]);
        foreach (var url in options.ExtraIndexUrls ?? []) args.AddRange(["--extra-index-url", url]);
        foreach (var link in options.FindLinks ?? []) args.AddRange(["--find-links", link]);
        if (options.NoIndex) args.Add("--no-index");
        return args;
    }

    private static async Task RunStepAsync(IReadOnlyList<string> command, string workingDirectory, Action<ReadOnlyMemory<byte>> output,
        OutputTail tail, CancellationToken cancellationToken)
    {
        Line(output, "$ " + ShellQuote.Join(command));
        var changes = JobVariables.Scrubbed.ToDictionary(name => name, _ => (string?)null);
        changes["PYTHONUNBUFFERED"] = "1";
        changes["PIP_NO_INPUT"] = "1";
        using var tree = ProcessTree.Start(command, workingDirectory, changes, output);
        int exitCode;
        try
        {
            exitCode = await tree.Exited.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await tree.StopAsync(StopGrace);
            throw;
        }
        await tree.WaitForOutputAsync(StopGrace);
        if (exitCode != 0)
        {
            throw new EnvironmentBuildException(
                $"'{ShellQuote.Join(command)}' exited with code {exitCode.ToString(CultureInfo.InvariantCulture)}", tail.Text());
        }
    }

    private static PreparedEnvironment Ready(string folder, bool reused, TimeSpan buildTime) =>
        new(Path.Combine(folder, "bin", "python"), folder, reused, buildTime);

    private static void Line(Action<ReadOnlyMemory<byte>> output, string text) => output(Encoding.UTF8.GetBytes(text + "\n"));

    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex HashPattern();
}
