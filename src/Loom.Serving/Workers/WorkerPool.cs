using System.Threading.Channels;
using Loom.Core.Serving;
using Microsoft.Extensions.Logging;

namespace Loom.Serving.Workers;

/// <summary>
/// A generation served by Python workers: replicas of <c>WorkersPerReplica</c> workers that take requests from one
/// queue, a free worker taking the next. Scaling lives in <c>WorkerPool.Scaling.cs</c>, the proof in <c>WorkerPool.Proof.cs</c>.
/// </summary>
internal sealed partial class WorkerPool : ServingGeneration
{
    private readonly DeploymentPlan plan;
    private readonly DeploymentHostOptions options;
    private readonly Action<string> log;
    private readonly ILogger logger;
    private readonly string deployment;
    private readonly Channel<ScoreRequest> queue = Channel.CreateUnbounded<ScoreRequest>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
    private readonly Lock gate = new();
    private readonly List<PoolWorker[]> replicas = [];
    private readonly List<PoolWorker> retired = [];
    private int replicaCount;
    private int nextReplica;
    private bool closed;
    private volatile bool proving = true;

    public WorkerPool(DeploymentPlan plan, string folder, WorkerLaunch launch, DeploymentHostOptions options, TimeProvider time, Action<string> log, ILogger logger)
        : base(plan.Generation, folder)
    {
        this.plan = plan;
        this.options = options;
        this.log = log;
        this.logger = logger;
        this.time = time;
        Launch = launch;
        deployment = $"{plan.Endpoint}/{plan.Deployment}";
    }

    public WorkerLaunch Launch { get; }

    public ChannelReader<ScoreRequest> Queue => queue.Reader;

    public TimeSpan InitTimeout => options.InitTimeout;

    public TimeSpan MaxRestartDelay => options.MaxRestartDelay;

    public int TimeoutMs => plan.RequestTimeoutMs;

    /// <summary>The replicas the pool runs now.</summary>
    public int ReplicaCount => Volatile.Read(ref replicaCount);

    /// <summary>While the first workers prove the generation, a failed start is final (the proof fails) rather than retried.</summary>
    public bool IsProving => proving;

    /// <summary>How long draining may take: every admitted request is bounded by the timeout, and a full queue takes that many turns.</summary>
    public TimeSpan DrainBound => TimeSpan.FromMilliseconds((double)plan.RequestTimeoutMs * (plan.MaxConcurrentRequestsPerReplica / Math.Max(1, plan.WorkersPerReplica) + 1))
        + options.StopGrace;

    protected override int Limit => plan.MaxConcurrentRequestsPerReplica * Volatile.Read(ref replicaCount);

    /// <summary>The process ids of the workers now running, for tests.</summary>
    internal IReadOnlyList<int> ProcessIds
    {
        get
        {
            lock (gate) return [.. replicas.SelectMany(r => r).Select(w => w.ProcessId).OfType<int>()];
        }
    }

    public void Log(string line) => log(line);

    public override Task<ScoreResult> ScoreAdmittedAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var request = new ScoreRequest(body, cancellationToken);
        if (queue.Writer.TryWrite(request)) return request.Task;
        // Stopped between admission and now.
        Release();
        return ScoreResults.NotReadyTask;
    }

    public override DeploymentRuntime Runtime()
    {
        int replicaTotal, workers = 0, busy = 0;
        lock (gate)
        {
            replicaTotal = replicas.Count;
            foreach (var worker in replicas.SelectMany(r => r))
            {
                if (worker.IsReady) workers++;
                if (worker.IsBusy) busy++;
            }
        }
        return new DeploymentRuntime(Generation, replicaTotal, workers, busy, Math.Max(0, Outstanding - busy));
    }

    /// <summary>What a worker's reply means for its caller.</summary>
    public ScoreResult ResultOf(WorkerReply reply)
    {
        switch (reply.Kind)
        {
            case ReplyKind.Ok:
                return new ScoreResult(null, reply.Body, reply.Format switch
                {
                    WorkerFrames.Json => ScoreResults.Json,
                    WorkerFrames.Text => ScoreResults.Text,
                    _ => ScoreResults.Bytes,
                });
            case ReplyKind.RunRaised:
                var text = reply.Error ?? "";
                foreach (var line in text.Split('\n')) log(line);
                return ScoreResults.Error(ScoreResults.ScoringError, ErrorHead(text));
            case ReplyKind.InvalidInput:
                return ScoreResults.Error(ScoreResults.InvalidInput, $"The request is not the input the entry script declares: {reply.Error}");
            case ReplyKind.TimedOut:
                return ScoreResults.Timeout(plan.RequestTimeoutMs);
            case ReplyKind.TooLarge:
                return ScoreResults.Error(ScoreResults.ScoringError, reply.Error ?? "The worker's response is too large.");
            default:
                return ScoreResults.Error(ScoreResults.WorkerCrashed,
                    $"The worker scoring this request died ({reply.Error}); it is being restarted.");
        }
    }

    /// <summary>A worker process was lost (crash or timeout) and is being replaced.</summary>
    public void WorkerLost(string worker, int processId, string reason)
    {
        log($"loom: worker {worker} (pid {processId}) lost: {reason}");
        HostLog.WorkerLost(logger, deployment, Generation, worker, processId, reason);
    }

    /// <summary>The host failed where it should not: logged with its stack, and the worker goes on (it is restarted).</summary>
    public void Unexpected(string worker, Exception exception)
    {
        log($"loom: worker {worker} failed unexpectedly: {exception}");
        HostLog.WorkerFailed(logger, deployment, Generation, worker, exception);
    }

    /// <summary>Counts an answered (or abandoned) request out.</summary>
    public void Answered() => Release();

    /// <summary>Takes no more requests into the queue; workers retire once it is empty (the first step of stopping).</summary>
    internal void CloseQueue() => queue.Writer.TryComplete();

    protected override async ValueTask StopAsync()
    {
        StopScaling();
        CloseQueue();
        PoolWorker[] all;
        lock (gate)
        {
            // From here on nothing adds a replica (a scaling tick already under way sees this under the same lock).
            closed = true;
            all = [.. replicas.SelectMany(r => r), .. retired];
            replicas.Clear();
            Volatile.Write(ref replicaCount, 0);
        }
        foreach (var worker in all) worker.Retire();
        var stopped = Task.WhenAll(all.Select(w => w.Completion));
        // Draining answered what was admitted; a request still in a worker now (a drain past its bound, a stop at
        // shutdown) gets the stop grace, then its worker is killed and it is answered as crashed.
        if (await Task.WhenAny(stopped, Task.Delay(options.StopGrace)) != stopped)
        {
            foreach (var worker in all) worker.Kill();
            await Task.WhenAny(stopped, Task.Delay(options.StopGrace + TimeSpan.FromSeconds(5)));
        }
        // Whatever is still queued has no worker left.
        FailQueued("The deployment stopped before this request reached a worker.");
    }

    private void FailQueued(string message, string code = ScoreResults.NotReady)
    {
        var result = ScoreResults.Error(code, message);
        while (queue.Reader.TryRead(out var request))
        {
            if (request.TryTake()) request.Complete(result);
            Release();
        }
    }

    private PoolWorker[] AddReplicaLocked()
    {
        var index = nextReplica++;
        var workers = new PoolWorker[plan.WorkersPerReplica];
        for (var i = 0; i < workers.Length; i++) workers[i] = new PoolWorker(this, $"g{Generation}r{index}w{i}");
        replicas.Add(workers);
        Volatile.Write(ref replicaCount, replicas.Count);
        foreach (var worker in workers) worker.Start();
        return workers;
    }

    /// <summary>"ExceptionType: message" from the worker's error text (the message may span lines; the traceback follows it).</summary>
    private static string ErrorHead(string text)
    {
        var traceback = text.IndexOf("\nTraceback (most recent call last):", StringComparison.Ordinal);
        var head = traceback >= 0 ? text[..traceback] : text.Split('\n', 2)[0];
        return head.TrimEnd();
    }
}
