using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace Loom.Serving.Workers;

/// <summary>
/// One worker place of a replica: it starts a worker process, takes requests from the pool's queue one at a time, and
/// replaces the process when it crashes or times out (after a growing delay when it keeps dying soon after starting).
/// </summary>
internal sealed class PoolWorker(WorkerPool pool, string name)
{
    /// <summary>A worker that served at least this long before it died is restarted at once.</summary>
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private readonly CancellationTokenSource retire = new();
    private readonly TaskCompletionSource<WorkerStart> firstStart = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WorkerProcess? current;
    private int ready;
    private int busy;

    public string Name { get; } = name;

    /// <summary>How the first start went (ready, or the reason it failed).</summary>
    public Task<WorkerStart> FirstStart => firstStart.Task;

    /// <summary>Completes when the worker has retired and its process is gone.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public bool IsReady => Volatile.Read(ref ready) != 0;

    public bool IsBusy => Volatile.Read(ref busy) != 0;

    /// <summary>The current process id, for tests and logs.</summary>
    public int? ProcessId => current?.Id;

    public void Start() => Completion = Task.Run(RunAsync);

    /// <summary>Takes no more requests; the one in flight is answered first.</summary>
    public void Retire() => retire.Cancel();

    /// <summary>Kills the current process at once (stopping without drain).</summary>
    public void Kill() => current?.Kill();

    private async Task RunAsync()
    {
        var failures = 0;
        try
        {
            while (!retire.IsCancellationRequested)
            {
                if (failures > 1 && !await DelayAsync(RestartDelay(failures))) break;
                int? next;
                try
                {
                    next = await LiveOnceAsync(failures);
                }
                catch (OperationCanceledException) when (retire.IsCancellationRequested)
                {
                    // Retired while starting.
                    break;
                }
                catch (Exception e)
                {
                    // A bug of the host's own must not cost the replica a worker: it is logged, and the worker restarts.
                    var reason = $"the worker failed unexpectedly ({e.GetType().Name}: {e.Message})";
                    pool.Unexpected(Name, e);
                    firstStart.TrySetResult(new WorkerStart(false, null, null, reason, ""));
                    next = pool.IsProving ? null : failures + 1;
                }
                if (next is not { } count) break;
                failures = count;
            }
        }
        finally
        {
            current = null;
            firstStart.TrySetResult(new WorkerStart(false, null, null, "the worker was stopped before it was ready", ""));
        }
    }

    /// <summary>Starts one process and serves with it until it is lost; returns the failure count for the next start, or null to stop.</summary>
    private async Task<int?> LiveOnceAsync(int failures)
    {
        var process = StartProcess();
        if (process is null) return pool.IsProving ? null : failures + 1;
        await using (process)
        {
            current = process;
            var start = await process.WaitReadyAsync(pool.InitTimeout, retire.Token);
            firstStart.TrySetResult(start);
            if (!start.Ready)
            {
                pool.Log($"loom: worker {Name} failed to start: {start.Failure}");
                return pool.IsProving ? null : failures + 1;
            }
            var readyAt = Stopwatch.GetTimestamp();
            Outcome outcome;
            Volatile.Write(ref ready, 1);
            try
            {
                outcome = await ServeAsync(process);
            }
            finally
            {
                Volatile.Write(ref ready, 0);
            }
            return outcome switch
            {
                Outcome.Retired => null,
                Outcome.Crashed => Stopwatch.GetElapsedTime(readyAt) < StableAfter ? failures + 1 : 1,
                // Timed out or answered too much: the script ran, the worker is replaced at once.
                _ => 0,
            };
        }
    }

    private WorkerProcess? StartProcess()
    {
        try
        {
            return WorkerProcess.Start(pool.Launch, pool.Log);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            var reason = $"could not start '{pool.Launch.Python}': {e.Message}";
            pool.Log($"loom: worker {Name} {reason}");
            firstStart.TrySetResult(new WorkerStart(false, null, null, reason, ""));
            return null;
        }
    }

    /// <summary>Serves requests until retired or the generation's queue closes, or until the process is lost.</summary>
    private async Task<Outcome> ServeAsync(WorkerProcess process)
    {
        var queue = pool.Queue;
        while (true)
        {
            ScoreRequest request;
            try
            {
                request = await queue.ReadAsync(retire.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
                // Retired, or the generation stopped (its queue is closed and empty): never a reason to start another process.
                return Outcome.Retired;
            }
            if (!request.TryTake())
            {
                pool.Answered();
                continue;
            }
            WorkerReply reply;
            Volatile.Write(ref busy, 1);
            try
            {
                reply = await process.ScoreAsync(request.Body, pool.TimeoutMs);
            }
            catch (Exception e)
            {
                pool.Unexpected(Name, e);
                reply = new WorkerReply(ReplyKind.Crashed, 0, [], $"the host failed while scoring ({e.GetType().Name}: {e.Message})");
            }
            finally
            {
                Volatile.Write(ref busy, 0);
            }
            request.Complete(pool.ResultOf(reply));
            pool.Answered();
            switch (reply.Kind)
            {
                case ReplyKind.Crashed:
                    pool.WorkerLost(Name, process.Id, reply.Error ?? "the worker crashed");
                    process.Kill();
                    return Outcome.Crashed;
                case ReplyKind.TimedOut:
                    pool.WorkerLost(Name, process.Id, string.Create(CultureInfo.InvariantCulture, $"a request took longer than {pool.TimeoutMs} ms; killing the worker"));
                    process.Kill();
                    return Outcome.Replaced;
                case ReplyKind.TooLarge:
                    pool.WorkerLost(Name, process.Id, reply.Error ?? "its response was too large");
                    process.Kill();
                    return Outcome.Replaced;
            }
        }
    }

    private TimeSpan RestartDelay(int failures)
    {
        var delay = FirstDelay * Math.Pow(2, Math.Min(failures - 2, 16));
        return delay < pool.MaxRestartDelay ? delay : pool.MaxRestartDelay;
    }

    private async Task<bool> DelayAsync(TimeSpan delay)
    {
        pool.Log(string.Create(CultureInfo.InvariantCulture, $"loom: restarting worker {Name} in {delay.TotalSeconds:0.##} s"));
        try
        {
            await Task.Delay(delay, retire.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>How a process's service ended.</summary>
    private enum Outcome
    {
        /// <summary>The worker retired or its generation stopped: no new process.</summary>
        Retired,

        /// <summary>The process died: replaced, after a delay when it keeps dying soon after starting.</summary>
        Crashed,

        /// <summary>The process was killed (a timeout, a response too large): replaced at once.</summary>
        Replaced,
    }
}
