using System.Diagnostics;
using System.Text;
using Loom.Client;

namespace Loom.Agent.Logs;

/// <summary>
/// Streams a run's log files to the server. Bytes are buffered per file and appended at their byte offset, which
/// the server treats idempotently: a chunk whose answer was lost (a server restart, a dropped connection) is sent
/// again at the same offset, so nothing is lost or stored twice. Data goes out at once after a quiet spell, then at
/// most every <see cref="Interval"/> (sooner when <see cref="EagerBytes"/> pile up).
/// </summary>
public sealed class LogStreamer : IAsyncDisposable
{
    /// <summary>The longest a byte waits before it is sent (while the server answers).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Buffered bytes of one file that are sent without waiting for the interval.</summary>
    public const int EagerBytes = 64 * 1024;

    private const int MaxChunk = 1024 * 1024;
    private readonly LogsClient logs;
    private readonly string workspace;
    private readonly string runId;
    private readonly Action<string> warn;
    private readonly Dictionary<string, PendingLog> files = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim wake = new(0);
    private readonly SemaphoreSlim sending = new(1, 1);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private long lastSend;
    private volatile int failures;

    /// <summary>Starts streaming to run <paramref name="runId"/>'s logs through <paramref name="logs"/> (a client with the run token).</summary>
    /// <param name="logs">The logs API.</param>
    /// <param name="workspace">The run's workspace.</param>
    /// <param name="runId">The run.</param>
    /// <param name="warn">Told when a file cannot be sent (the server refused it); the agent writes it to stderr.</param>
    public LogStreamer(LogsClient logs, string workspace, string runId, Action<string>? warn = null)
    {
        this.logs = logs;
        this.workspace = workspace;
        this.runId = runId;
        this.warn = warn ?? (_ => { });
        loop = Task.Run(() => RunAsync(stop.Token));
    }

    /// <summary>Adds bytes to <paramref name="file"/>; they are sent in the background.</summary>
    public void Append(string file, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        bool signal;
        lock (files)
        {
            if (!files.TryGetValue(file, out var log)) files[file] = log = new PendingLog();
            var wasEmpty = log.Count == 0;
            log.Add(data);
            signal = wasEmpty || log.Count >= EagerBytes;
        }
        if (signal) wake.Release();
    }

    /// <summary>Adds a line of text (UTF-8, with a newline) to <paramref name="file"/>.</summary>
    public void AppendLine(string file, string text) => Append(file, Encoding.UTF8.GetBytes(text + "\n"));

    /// <summary>How many bytes of <paramref name="file"/> the server has acknowledged.</summary>
    public long SentBytes(string file)
    {
        lock (files) return files.TryGetValue(file, out var log) ? log.Sent : 0;
    }

    /// <summary>
    /// Sends everything appended so far, waiting out server outages; only <paramref name="cancellationToken"/> bounds it.
    /// Files the server refused are given up (and were reported through the warning callback).
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            bool allSent;
            await sending.WaitAsync(cancellationToken);
            try
            {
                allSent = await SendAllAsync(cancellationToken);
            }
            finally
            {
                sending.Release();
            }
            if (allSent) return;
            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, ServerRetry.MaxDelay.Ticks));
        }
    }

    /// <summary>Stops the background sending; what was not flushed stays unsent.</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
            // The loop ends by cancellation.
        }
        stop.Dispose();
        wake.Dispose();
        sending.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // A file goes out at once after a quiet spell or when it piles up, else once its interval has passed;
            // while the server is away, every file waits out the backoff. An append re-evaluates at once.
            var backoff = failures > 0 ? Backoff(failures) - Stopwatch.GetElapsedTime(lastSend) : TimeSpan.Zero;
            var wait = backoff > TimeSpan.Zero ? backoff : failures > 0 ? TimeSpan.Zero : UntilDue();
            if (wait is null) await wake.WaitAsync(cancellationToken);
            else if (wait > TimeSpan.Zero) await wake.WaitAsync(wait.Value, cancellationToken);
            while (wake.CurrentCount > 0) await wake.WaitAsync(cancellationToken);
            if (failures > 0 && Stopwatch.GetElapsedTime(lastSend) < Backoff(failures)) continue;
            var work = failures > 0 ? Pending() : Due();
            if (work.Count == 0) continue;
            await sending.WaitAsync(cancellationToken);
            try
            {
                await SendAsync(work, cancellationToken);
            }
            finally
            {
                sending.Release();
            }
        }
    }

    /// <summary>One attempt for every file with pending bytes; true when nothing is left to send.</summary>
    private async Task<bool> SendAllAsync(CancellationToken cancellationToken)
    {
        await SendAsync(Pending(), cancellationToken);
        lock (files) return !files.Values.Any(f => f.Count > 0 && !f.Refused);
    }

    /// <summary>Sends the files in parallel, each from its acknowledged offset.</summary>
    private async Task SendAsync(List<(string File, PendingLog Log)> work, CancellationToken cancellationToken)
    {
        if (work.Count == 0) return;
        lastSend = Stopwatch.GetTimestamp();
        lock (files)
            foreach (var (_, log) in work) log.LastSend = lastSend;
        var results = await Task.WhenAll(work.Select(w => SendFileAsync(w.File, w.Log, cancellationToken)));
        failures = results.All(r => r) ? 0 : failures + 1;
    }

    private List<(string File, PendingLog Log)> Pending()
    {
        lock (files) return [.. files.Where(f => f.Value.Count > 0 && !f.Value.Refused).Select(f => (f.Key, f.Value))];
    }

    private List<(string File, PendingLog Log)> Due()
    {
        lock (files) return [.. files.Where(f => f.Value.Count > 0 && !f.Value.Refused && IsDue(f.Value)).Select(f => (f.Key, f.Value))];
    }

    /// <summary>How long until the first pending file is due: zero when one is, null when none is pending.</summary>
    private TimeSpan? UntilDue()
    {
        lock (files)
        {
            TimeSpan? wait = null;
            foreach (var log in files.Values.Where(f => f.Count > 0 && !f.Refused))
            {
                if (IsDue(log)) return TimeSpan.Zero;
                var left = Interval - Stopwatch.GetElapsedTime(log.LastSend);
                if (wait is null || left < wait) wait = left;
            }
            return wait;
        }
    }

    private static bool IsDue(PendingLog log) => log.Count >= EagerBytes || log.LastSend == 0 || Stopwatch.GetElapsedTime(log.LastSend) >= Interval;

    /// <summary>Sends a file's pending bytes, a chunk at a time; false when the server could not be reached.</summary>
    private async Task<bool> SendFileAsync(string file, PendingLog log, CancellationToken cancellationToken)
    {
        while (true)
        {
            byte[] chunk;
            long offset;
            lock (files)
            {
                if (log.Count == 0 || log.Refused) return true;
                chunk = log.Peek(MaxChunk);
                offset = log.Sent;
            }
            try
            {
                await logs.AppendAsync(workspace, runId, file, chunk, offset, cancellationToken);
            }
            catch (Exception e) when (ServerRetry.IsTransient(e, cancellationToken))
            {
                return false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A refusal (or an answer that makes no sense) would come again: give the file up rather than loop.
                lock (files) log.Refuse();
                warn($"log {file}: the server refused bytes from offset {offset} ({e.Message}); the rest of this log is not sent");
                return true;
            }
            lock (files) log.Acknowledge(chunk.Length);
        }
    }

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(ServerRetry.MaxDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));
}
