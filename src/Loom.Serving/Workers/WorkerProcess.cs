using System.Buffers;
using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Loom.Serving.Workers;

/// <summary>
/// One Python worker process: request frames go to its stdin, reply frames come from its stdout (one long-lived pipe
/// each way), and its stderr lines go to the deployment's log. One request at a time.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private const int MaxInitOutput = 64 * 1024;

    /// <summary>A stderr line longer than this is cut (a script printing megabytes without a newline must not fill memory).</summary>
    internal const int MaxLineChars = 8 * 1024;
    private static readonly TimeSpan OutputWait = TimeSpan.FromSeconds(2);
    private readonly Process process;
    private readonly Stream input;
    private readonly Stream output;
    private readonly byte[] header = new byte[6];
    private readonly Action<string> logLine;
    private readonly TimeSpan stopGrace;
    private readonly Task errorPump;
    private readonly Lock initGate = new();
    private readonly int maxResponseBytes;
    private StringBuilder? initOutput = new();
    private int disposed;

    private WorkerProcess(Process process, Action<string> logLine, TimeSpan stopGrace, int maxResponseBytes)
    {
        this.process = process;
        this.logLine = logLine;
        this.stopGrace = stopGrace;
        this.maxResponseBytes = maxResponseBytes;
        input = process.StandardInput.BaseStream;
        output = process.StandardOutput.BaseStream;
        errorPump = PumpErrorsAsync(process.StandardError);
    }

    /// <summary>The worker's process id.</summary>
    public int Id => process.Id;

    /// <summary>Starts a worker; throws <see cref="Win32Exception"/> when the interpreter cannot be started.</summary>
    public static WorkerProcess Start(WorkerLaunch launch, Action<string> logLine)
    {
        var start = new ProcessStartInfo(launch.Python)
        {
            WorkingDirectory = launch.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (var arg in WorkerLaunch.Arguments) start.ArgumentList.Add(arg);
        foreach (var (name, value) in launch.Environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{launch.Python} did not start.");
        return new WorkerProcess(process, logLine, launch.StopGrace, launch.MaxResponseBytes);
    }

    /// <summary>Waits for the ready frame: the worker imported the script and its <c>init()</c> returned.</summary>
    public async Task<WorkerStart> WaitReadyAsync(TimeSpan initTimeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(initTimeout);
        Frame? frame;
        try
        {
            frame = await ReadFrameAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill();
            return Failed(string.Create(CultureInfo.InvariantCulture, $"init() did not return within {initTimeout.TotalSeconds:0.#} s"));
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            Kill();
            return Failed($"the worker broke the protocol before it was ready ({e.Message})");
        }
        switch (frame)
        {
            case { Kind: WorkerFrames.Ready } ready:
                if (!TryReadyFields(ready.Body, out var schema, out var sample, out var error))
                {
                    Kill();
                    return Failed($"the worker's ready frame is not valid JSON ({error}); its schema or sample may hold NaN or Infinity");
                }
                return new WorkerStart(true, schema, sample, null, TakeInitOutput());
            case { Kind: WorkerFrames.InitFailed } failed:
                await WaitForOutputAsync();
                return Failed(Encoding.UTF8.GetString(failed.Body));
            case null:
                return Failed($"the worker exited before it was ready ({await ExitTextAsync()})");
            default:
                Kill();
                return Failed($"the worker sent frame kind {frame.Value.Kind} before it was ready");
        }
    }

    /// <summary>
    /// Sends one request and waits for its reply, at most <paramref name="timeoutMs"/>. A timed-out or crashed worker
    /// is useless afterwards (its pipe is mid-frame): the caller replaces it.
    /// </summary>
    public async ValueTask<WorkerReply> ScoreAsync(ReadOnlyMemory<byte> body, int timeoutMs)
    {
        // A source of its own per request: a timer that fires just after the reply arrived cannot touch the next request.
        using var timeout = new CancellationTokenSource(timeoutMs);
        try
        {
            await WriteFrameAsync(body, timeout.Token);
            var frame = await ReadFrameAsync(timeout.Token);
            return frame switch
            {
                { Kind: WorkerFrames.Response } ok => new WorkerReply(ReplyKind.Ok, ok.Format, ok.Body, null),
                { Kind: WorkerFrames.RunRaised } raised => new WorkerReply(ReplyKind.RunRaised, 0, [], Encoding.UTF8.GetString(raised.Body)),
                { Kind: WorkerFrames.InvalidInput } invalid => new WorkerReply(ReplyKind.InvalidInput, 0, [], Encoding.UTF8.GetString(invalid.Body)),
                null => new WorkerReply(ReplyKind.Crashed, 0, [], $"the worker exited while scoring ({await ExitTextAsync()})"),
                _ => new WorkerReply(ReplyKind.Crashed, 0, [], $"the worker sent an unexpected frame kind {frame.Value.Kind}"),
            };
        }
        catch (FrameTooLargeException e)
        {
            // The rest of the frame is still in the pipe: the worker is replaced.
            return new WorkerReply(ReplyKind.TooLarge, 0, [], string.Create(CultureInfo.InvariantCulture,
                $"The worker's response is {e.Length - 2} bytes, more than the deployment's limit of {maxResponseBytes} bytes; the worker is being replaced."));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new WorkerReply(ReplyKind.TimedOut, 0, [], null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // The pipe broke (the worker is gone) or carried garbage (the script wrote into it): either way it is replaced.
            return new WorkerReply(ReplyKind.Crashed, 0, [], $"the worker's pipe broke ({e.Message}; {await ExitTextAsync()})");
        }
    }

    /// <summary>Kills the worker and anything it started.</summary>
    public void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Exiting as we asked.
        }
    }

    /// <summary>Closes the worker's input (it exits 0), waits up to the stop grace, then kills it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        try
        {
            input.Dispose();
        }
        catch (IOException)
        {
            // The worker is gone already.
        }
        using (var grace = new CancellationTokenSource(stopGrace))
        {
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
                using var killWait = new CancellationTokenSource(OutputWait);
                await process.WaitForExitAsync(killWait.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        await WaitForOutputAsync();
        process.Dispose();
    }

    private async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (body.Length <= WorkerFrames.CoalesceLimit)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(body.Length + 4);
            try
            {
                BinaryPrimitives.WriteInt32BigEndian(buffer, body.Length);
                body.Span.CopyTo(buffer.AsSpan(4));
                await input.WriteAsync(buffer.AsMemory(0, body.Length + 4), cancellationToken);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            return;
        }
        BinaryPrimitives.WriteInt32BigEndian(header, body.Length);
        await input.WriteAsync(header.AsMemory(0, 4), cancellationToken);
        await input.WriteAsync(body, cancellationToken);
    }

    /// <summary>The next frame, or null at the end of the worker's output.</summary>
    private async ValueTask<Frame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Every frame has at least its kind byte: the header and the kind come in one read.
            await output.ReadExactlyAsync(header.AsMemory(0, 5), cancellationToken);
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length < 1) throw new InvalidDataException("The worker sent an empty frame.");
            // The kind byte and the format byte come on top of the body.
            if (length > Math.Min((long)maxResponseBytes + 2, WorkerFrames.MaxFrame)) throw new FrameTooLargeException(length);
            var kind = header[4];
            var rest = (int)length - 1;
            byte format = 0;
            if (kind == WorkerFrames.Response && rest > 0)
            {
                await output.ReadExactlyAsync(header.AsMemory(5, 1), cancellationToken);
                format = header[5];
                rest--;
            }
            var body = rest == 0 ? [] : new byte[rest];
            if (rest > 0) await output.ReadExactlyAsync(body, cancellationToken);
            return new Frame(kind, format, body);
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    private static bool TryReadyFields(byte[] body, out string? schema, out string? sample, out string? error)
    {
        schema = sample = error = null;
        if (body.Length == 0) return true;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return true;
            string? Field(string name) =>
                document.RootElement.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
                    ? value.GetRawText()
                    : null;
            schema = Field("schema");
            sample = Field("sample");
            return true;
        }
        catch (JsonException e)
        {
            error = e.Message;
            return false;
        }
    }

    private WorkerStart Failed(string reason) => new(false, null, null, reason, TakeInitOutput());

    private string TakeInitOutput()
    {
        lock (initGate)
        {
            var text = initOutput?.ToString() ?? "";
            initOutput = null;
            return text;
        }
    }

    private async Task PumpErrorsAsync(StreamReader errors)
    {
        try
        {
            var lines = new LineReader(errors, MaxLineChars);
            while (await lines.ReadLineAsync() is { } line)
            {
                logLine(line);
                lock (initGate)
                {
                    if (initOutput is { Length: < MaxInitOutput }) initOutput.Append(line).Append('\n');
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke with the worker.
        }
        catch (ObjectDisposedException)
        {
            // Disposed while reading.
        }
    }

    private async Task WaitForOutputAsync() =>
        await Task.WhenAny(errorPump, Task.Delay(OutputWait));

    private async Task<string> ExitTextAsync()
    {
        using var wait = new CancellationTokenSource(OutputWait);
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            return "still running";
        }
        await WaitForOutputAsync();
        return ExitText();
    }

    private string ExitText()
    {
        if (!process.HasExited) return "still running";
        var code = process.ExitCode;
        return code > 128 ? $"killed by signal {code - 128}" : $"exit code {code}";
    }

    private readonly record struct Frame(byte Kind, byte Format, byte[] Body);

    /// <summary>A frame longer than the deployment's response limit: its body is not read.</summary>
    private sealed class FrameTooLargeException(long length) : IOException($"The worker sent a frame of {length} bytes.")
    {
        public long Length { get; } = length;
    }
}
