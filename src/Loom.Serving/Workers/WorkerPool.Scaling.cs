using System.Globalization;

namespace Loom.Serving.Workers;

internal sealed partial class WorkerPool
{
    private readonly TimeProvider time;
    private ITimer? timer;
    private int ticking;
    private long pressureSince = -1;
    private long lastNeeded;
    private long starvedSince = -1;

    /// <summary>Replicas scale between min and max: up when requests keep waiting for a worker, down when one fewer would do.</summary>
    private void StartScaling()
    {
        lastNeeded = time.GetTimestamp();
        timer = time.CreateTimer(static self => ((WorkerPool)self!).Tick(), this, options.ScaleInterval, options.ScaleInterval);
    }

    private void StopScaling() => timer?.Dispose();

    private void Tick()
    {
        if (IsDraining || Interlocked.Exchange(ref ticking, 1) == 1) return;
        try
        {
            var now = time.GetTimestamp();
            var state = Runtime();
            var outstanding = Outstanding;
            var waiting = outstanding - state.BusyWorkers;
            lock (gate)
            {
                if (closed) return;
                retired.RemoveAll(w => w.Completion.IsCompleted);
                var count = replicas.Count;
                // Up: requests have waited for a worker without a break for ScaleUpAfter.
                if (waiting > 0 && count < plan.MaxReplicas)
                {
                    if (pressureSince < 0) pressureSince = now;
                    else if (time.GetElapsedTime(pressureSince, now) >= options.ScaleUpAfter)
                    {
                        AddReplicaLocked();
                        pressureSince = -1;
                        lastNeeded = now;
                        Scaled(count, count + 1, "requests kept waiting for a worker");
                    }
                }
                else
                {
                    pressureSince = -1;
                }
                // Down: one replica fewer would have held every request for ScaleDownAfter.
                if (outstanding > (count - 1) * plan.WorkersPerReplica) lastNeeded = now;
                else if (count > plan.MinReplicas && time.GetElapsedTime(lastNeeded, now) >= options.ScaleDownAfter)
                {
                    var last = replicas[^1];
                    replicas.RemoveAt(replicas.Count - 1);
                    Volatile.Write(ref replicaCount, replicas.Count);
                    foreach (var worker in last) worker.Retire();
                    retired.AddRange(last);
                    lastNeeded = now;
                    Scaled(count, count - 1, "one replica fewer held the load");
                }
            }
            // Requests cannot wait forever for workers that keep failing to start.
            if (state.Workers == 0 && outstanding > 0)
            {
                if (starvedSince < 0) starvedSince = now;
                else if (time.GetElapsedTime(starvedSince, now).TotalMilliseconds >= plan.RequestTimeoutMs)
                {
                    FailQueued("No worker of the deployment is running (they are being restarted after failures; see the deployment's logs).",
                        ScoreResults.WorkerCrashed);
                    starvedSince = -1;
                }
            }
            else
            {
                starvedSince = -1;
            }
        }
        finally
        {
            Volatile.Write(ref ticking, 0);
        }
    }

    private void Scaled(int from, int to, string reason)
    {
        log(string.Create(CultureInfo.InvariantCulture, $"loom: replicas {from} -> {to} ({reason})"));
        HostLog.Scaled(logger, deployment, Generation, from, to);
    }
}
