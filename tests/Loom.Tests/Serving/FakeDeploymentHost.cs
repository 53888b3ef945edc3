using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Loom.Core.Serving;

namespace Loom.Tests.Serving;

/// <summary>
/// A test double of the deployment host only (the real one runs Python worker pools; its own tests are in Serving/Host): it proves a
/// generation at once, or as its variables say, and answers scoring calls with which deployment and generation took them. Stores, HTTP,
/// auth, traffic and telemetry around it are the real server's. Variables it reads: <c>FAKE_FAIL</c> (the proof fails with that error
/// and an init log), <c>FAKE_SCHEMA</c> (a swagger document). Bodies it reads: <c>raise</c>, <c>crash</c>, <c>slow</c>, <c>busy</c>,
/// <c>text</c>.
/// </summary>
public sealed class FakeDeploymentHost : IDeploymentHost, IDeploymentSchemas
{
    public const string InitLogLine = "fake worker: init() called";
    private readonly ConcurrentDictionary<(long, string, string), DeploymentPlan> _serving = new();
    private readonly ConcurrentDictionary<(long, string, string), List<string>> _logs = new();
    private volatile TaskCompletionSource _gate = Completed();

    /// <summary>Every plan started, in order.</summary>
    public ConcurrentQueue<DeploymentPlan> Started { get; } = new();

    /// <summary>Every deployment stopped, as <c>endpoint/deployment</c>.</summary>
    public ConcurrentQueue<string> Stopped { get; } = new();

    /// <summary>Makes proofs wait until <see cref="Release"/>: deployments stay <c>Updating</c> meanwhile.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    public async Task<DeploymentProof> StartAsync(DeploymentPlan plan, CancellationToken cancellationToken)
    {
        Started.Enqueue(plan);
        await _gate.Task.WaitAsync(cancellationToken);
        var key = (plan.WorkspaceId, plan.Endpoint, plan.Deployment);
        var log = _logs.GetOrAdd(key, _ => []);
        lock (log) log.Add($"{InitLogLine} (generation {plan.Generation})");
        if (plan.Variables.TryGetValue("FAKE_FAIL", out var error))
        {
            lock (log) log.Add($"Traceback: {error}");
            return new DeploymentProof(false, error, $"{InitLogLine}\nTraceback: {error}", null);
        }
        _serving[key] = plan;
        return new DeploymentProof(true, null, InitLogLine, plan.SampleRequest is null ? null : "{}");
    }

    public Task StopAsync(long workspaceId, string endpoint, string deployment, CancellationToken cancellationToken)
    {
        _serving.TryRemove((workspaceId, endpoint, deployment), out _);
        Stopped.Enqueue($"{endpoint}/{deployment}");
        return Task.CompletedTask;
    }

    public async Task<ScoreResult> ScoreAsync(long workspaceId, string endpoint, string deployment, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (!_serving.TryGetValue((workspaceId, endpoint, deployment), out var plan))
            return Error("deployment_not_ready", $"Deployment '{deployment}' does not serve.");
        var text = Encoding.UTF8.GetString(body.Span);
        switch (text)
        {
            case "raise": return Error("scoring_error", "ValueError: bad input");
            case "crash": return Error("worker_crashed", "The worker exited with code -9 while scoring.");
            case "slow":
                await Task.Delay(10, cancellationToken);
                return Error("scoring_timeout", $"No answer within {plan.RequestTimeoutMs} ms.");
            case "busy": return new ScoreResult("overloaded", Encoding.UTF8.GetBytes("Too many requests."), "text/plain", TimeSpan.FromSeconds(2));
            case "text": return new ScoreResult(null, Encoding.UTF8.GetBytes("plain answer"), "text/plain; charset=utf-8");
        }
        var answer = JsonSerializer.SerializeToUtf8Bytes(new
        {
            deployment, generation = plan.Generation, models = plan.Models.Select(m => $"{m.Name}:{m.Version}"), input = text,
        });
        return new ScoreResult(null, answer, "application/json");
    }

    public DeploymentRuntime? Runtime(long workspaceId, string endpoint, string deployment) =>
        _serving.TryGetValue((workspaceId, endpoint, deployment), out var plan)
            ? new DeploymentRuntime(plan.Generation, plan.MinReplicas, plan.MinReplicas * plan.WorkersPerReplica, 0, 0)
            : null;

    public IReadOnlyList<string> Logs(long workspaceId, string endpoint, string deployment, int maxLines)
    {
        if (!_logs.TryGetValue((workspaceId, endpoint, deployment), out var log)) return [];
        lock (log) return log.TakeLast(maxLines).ToList();
    }

    public string? Swagger(long workspaceId, string endpoint, string deployment) =>
        _serving.TryGetValue((workspaceId, endpoint, deployment), out var plan) && plan.Variables.ContainsKey("FAKE_SCHEMA")
            ? $$$"""{"swagger": "2.0", "info": {"title": "{{{endpoint}}}"}}"""
            : null;

    private static ScoreResult Error(string code, string message) => new(code, Encoding.UTF8.GetBytes(message), "text/plain");

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}
