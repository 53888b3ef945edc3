using System.Text;
using Loom.Core.Serving;

namespace Loom.Serving.Workers;

internal sealed partial class WorkerPool
{
    /// <summary>
    /// Starts the minimum of replicas and proves the generation: every worker sent ready, then the sample request (the
    /// plan's, or the one the decorators declare) was answered without error. Returns the proof and the declared schema.
    /// </summary>
    public async Task<(DeploymentProof Proof, string? Schema)> ProveAsync(CancellationToken cancellationToken)
    {
        PoolWorker[] first;
        lock (gate)
        {
            for (var i = 0; i < plan.MinReplicas; i++) AddReplicaLocked();
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
