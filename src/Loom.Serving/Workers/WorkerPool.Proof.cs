using System.Text;
using Loom.Core.Serving;

namespace Loom.Serving.Workers;

internal sealed partial class WorkerPool
{
    /// <summary>
    /// Starts as many replicas as the generation it replaces runs now (<paramref name="servingReplicas"/>, kept within
    /// the plan's minimum and maximum: an update under load keeps its capacity) and proves the generation: every worker
    /// sent ready, then the sample request (the plan's, or the one the decorators declare) was answered without error.
    /// Returns the proof and the declared schema.
    /// </summary>
    public async Task<(DeploymentProof Proof, string? Schema)> ProveAsync(int servingReplicas, CancellationToken cancellationToken)
    {
        var count = Math.Max(plan.MinReplicas, Math.Min(servingReplicas, plan.MaxReplicas));
        PoolWorker[] first;
        lock (gate)
        {
            if (closed) throw new OperationCanceledException("The generation was stopped before it was proven.");
            if (count > plan.MinReplicas) log($"loom: starting {count} replicas, as many as the serving generation runs");
            for (var i = 0; i < count; i++) AddReplicaLocked();
            first = [.. replicas.SelectMany(r => r)];
        }
        var pending = first.ToDictionary(w => w.FirstStart, w => w);
        WorkerStart? ready = null;
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending.Keys).WaitAsync(cancellationToken);
            var worker = pending[done];
            pending.Remove(done);
            var start = await done;
            if (!start.Ready)
            {
                var failure = start.Failure ?? "the worker stopped";
                var initLog = start.Output.Length == 0 ? failure : start.Output.TrimEnd('\n') + "\n" + failure;
                return (new DeploymentProof(false, $"Worker {worker.Name} failed to start: {ErrorHead(failure)}", initLog, null), null);
            }
            ready ??= start;
        }
        proving = false;
        var initOutput = ready?.Output ?? "";
        var sample = string.IsNullOrWhiteSpace(plan.SampleRequest) ? ready?.Sample : plan.SampleRequest;
        string? sampleResponse = null;
        if (!string.IsNullOrWhiteSpace(sample))
        {
            log("loom: scoring the sample request");
            var result = TryAdmit() == Admission.Admitted
                ? await ScoreAdmittedAsync(Encoding.UTF8.GetBytes(sample), cancellationToken)
                : ScoreResults.Error(ScoreResults.Overloaded, "the generation took no request");
            var text = Encoding.UTF8.GetString(result.Body.Span);
            if (result.ErrorCode is { } code)
                return (new DeploymentProof(false, $"The sample request failed with {code}: {text}", initOutput, text), null);
            sampleResponse = text;
        }
        StartScaling();
        return (new DeploymentProof(true, null, initOutput, sampleResponse), ready?.Schema);
    }
}
