using System.Diagnostics;

namespace Loom.Agent.Processes;

/// <summary>
/// A command started in a session of its own (through <c>setsid</c>), so its pid is the id of a process group that
/// holds everything it starts: the whole tree can be signalled and waited for. Its standard output and error go,
/// merged in order, to a byte sink.
/// </summary>
public sealed class ProcessTree : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(4);
    private readonly Process process;
    private readonly CancellationTokenSource pumpCancel = new();
    private readonly Task pumps;

    private ProcessTree(Process process, Action<ReadOnlyMemory<byte>> output)
    {
        this.process = process;
        Exited = process.WaitForExitAsync().ContinueWith(_ => process.ExitCode, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        pumps = Task.WhenAll(PumpAsync(process.StandardOutput.BaseStream, output, pumpCancel.Token),
            PumpAsync(process.StandardError.BaseStream, output, pumpCancel.Token));
    }

    /// <summary>The process id, which is also the id of its process group.</summary>
    public int Id => process.Id;

    /// <summary>Completes with the exit code when the started process has exited (128 + N when signal N ended it).</summary>
    public Task<int> Exited { get; }

    /// <summary>
    /// Starts <paramref name="command"/> (program and arguments, no shell) in <paramref name="workingDirectory"/>.
    /// </summary>
    /// <param name="command">The program and its arguments.</param>
    /// <param name="workingDirectory">Where it runs.</param>
    /// <param name="environment">Changes to the agent's own variables: a null value removes the variable.</param>
    /// <param name="output">Gets stdout and stderr as read (on a pool thread); it must copy what it keeps.</param>
    public static ProcessTree Start(IReadOnlyList<string> command, string workingDirectory, IReadOnlyDictionary<string, string?> environment,
        Action<ReadOnlyMemory<byte>> output)
    {
        ArgumentOutOfRangeException.ThrowIfZero(command.Count);
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // setsid execs the shell, which execs the command with stderr on stdout's pipe: one pipe keeps their order,
        // and the pid stays the command's own.
        foreach (var arg in (string[])["/bin/sh", "-c", "exec \"$@\" 2>&1", "sh", .. command]) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("setsid did not start.");
        process.StandardInput.Close();
        return new ProcessTree(process, output);
    }

    /// <summary>
    /// Whether any live process is left in the group (the started one or what it started); false only once
    /// <see cref="Exited"/> has completed too.
    /// </summary>
    public bool IsAlive => !Exited.IsCompleted || ProcessGroups.IsAlive(Id);

    /// <summary>
    /// Ends the whole group: SIGTERM, up to <paramref name="grace"/> for it to exit, then SIGKILL to the group and to
    /// every descendant (even those that left the group). Returns when nothing is left, or after a few more seconds.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!IsAlive) return;
        NativeSignals.SignalGroup(Id, NativeSignals.SigTerm);
        if (await WaitGoneAsync(grace)) return;
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile; its group is killed below.
        }
        NativeSignals.SignalGroup(Id, NativeSignals.SigKill);
        await WaitGoneAsync(KillWait);
    }

    /// <summary>
    /// Waits until the output pipes are drained (every writer has exited), at most <paramref name="timeout"/>;
    /// then stops reading. False when it had to stop (a process outside the group still holds the pipe).
    /// </summary>
    public async Task<bool> WaitForOutputAsync(TimeSpan timeout)
    {
        var drained = await Task.WhenAny(pumps, Task.Delay(timeout)) == pumps;
        if (!drained) await pumpCancel.CancelAsync();
        await pumps.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return drained;
    }

    public void Dispose()
    {
        pumpCancel.Cancel();
        pumpCancel.Dispose();
        process.Dispose();
    }

    private async Task<bool> WaitGoneAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (IsAlive)
        {
            if (Stopwatch.GetTimestamp() >= deadline) return false;
            await Task.Delay(PollInterval);
        }
        return true;
    }

    private static async Task PumpAsync(Stream stream, Action<ReadOnlyMemory<byte>> output, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0) output(buffer.AsMemory(0, read));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Given up on by WaitForOutputAsync.
        }
        catch (IOException)
        {
            // The pipe broke: nothing more will come.
        }
    }
}
