using System.Collections.Concurrent;
using Loom.Contracts;
using Loom.Core.Workspaces;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loom.Core.Serving;

/// <summary>
/// Proves deployment generations in the background (<see cref="IDeploymentHost.StartAsync"/>) and records how it went; one rollout at a
/// time per deployment, a newer one cancelling the older. At start it restarts what served before the server stopped and proves again
/// what was being proven; then it stops, now and then, what it started that the store no longer holds (an endpoint or workspace deleted
/// through another server, or by a forced workspace delete).
/// </summary>
public sealed class DeploymentRollouts(IEndpointStore store, DeploymentPlanner planner, WorkspaceService workspaces, EndpointDirectory directory,
    IOptions<EndpointOptions> options, TimeProvider time, ILogger<DeploymentRollouts> logger, IDeploymentHost? host = null) : BackgroundService
{
    private readonly object _gate = new();
    private readonly Dictionary<Key, Rollout> _rollouts = [];
    private readonly ConcurrentDictionary<Key, string> _started = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Proves a new generation in the background, cancelling a rollout of the same deployment still under way.</summary>
    public void Start(DeploymentPlan plan) => Enqueue(plan, restart: false, cancelPrevious: true);

    /// <summary>Cancels the deployment's rollout, waits for it to end, and stops whatever of it runs.</summary>
    public async Task StopAsync(long workspaceId, string endpoint, string deployment, CancellationToken cancellationToken)
    {
        var key = new Key(workspaceId, endpoint, deployment);
        Rollout? rollout;
        lock (_gate)
        {
            // Cancelled under the lock: a rollout still listed has not disposed its token yet.
            if (_rollouts.Remove(key, out rollout)) rollout.Cancel.Cancel();
        }
        if (rollout is not null) await rollout.Task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // The stop itself finishes even when the caller gives up (its row is gone by now): half-stopped, the deployment's
        // workers would run on with nothing left to stop them. Only then is it forgotten.
        if (host is not null) await host.StopAsync(workspaceId, endpoint, deployment, CancellationToken.None);
        _started.TryRemove(key, out _);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (host is null)
        {
            ServingLog.NoHost(logger);
            return;
        }
        await RestartAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReconcileSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await ReconcileAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { ServingLog.ReconcileFailed(logger, e); }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        Task[] running;
        lock (_gate) running = _rollouts.Values.Select(r => r.Task).ToArray();
        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }

    private async Task RestartAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<WorkspaceDeployment> live;
        try { live = await store.ListLiveAsync(cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ServingLog.RestartFailed(logger, e);
            return;
        }
        if (live.Count > 0) ServingLog.Restarting(logger, live.Count);
        foreach (var (_, workspaceName, deployment) in live)
        {
            // One deployment that cannot start (its workspace deleted meanwhile, a store hiccup) does not keep the others down.
            try
            {
                var workspace = await workspaces.ResolveAsync(workspaceName, cancellationToken);
                if (deployment.ServingSpec is { } serving && deployment.ServingGeneration is { } generation)
                    await TryEnqueueAsync(workspace, deployment, generation, serving, restart: true, cancellationToken);
                if (deployment.State == DeploymentStates.Updating)
                    await TryEnqueueAsync(workspace, deployment, deployment.Generation, deployment.Spec, restart: false, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ServingLog.RestartFailed(logger, e);
            }
        }
    }

    private async Task TryEnqueueAsync(WorkspaceRecord workspace, DeploymentRecord deployment, int generation, DeploymentSpec spec, bool restart,
        CancellationToken cancellationToken)
    {
        DeploymentPlan plan;
        try { plan = await planner.PlanAsync(workspace, deployment.Endpoint, deployment.Name, generation, spec, cancellationToken); }
        catch (Common.LoomException e)
        {
            // What it needs is gone (e.g. a snapshot's blobs): say so on the deployment rather than fail the whole restart.
            await RecordAsync(workspace.Id, workspace.Name, deployment.Endpoint, deployment.Name, generation,
                new DeploymentProof(false, e.Message, "", null), CancellationToken.None);
            return;
        }
        Enqueue(plan, restart, cancelPrevious: false);
    }

    private void Enqueue(DeploymentPlan plan, bool restart, bool cancelPrevious)
    {
        var key = new Key(plan.WorkspaceId, plan.Endpoint, plan.Deployment);
        lock (_gate)
        {
            _rollouts.TryGetValue(key, out var previous);
            if (cancelPrevious) previous?.Cancel.Cancel();
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var rollout = new Rollout(cancel);
            rollout.Task = RunAsync(key, rollout, plan, restart, previous?.Task);
            _rollouts[key] = rollout;
        }
    }

    private async Task RunAsync(Key key, Rollout rollout, DeploymentPlan plan, bool restart, Task? previous)
    {
        await Task.Yield();
        try
        {
            if (previous is not null) await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var cancellationToken = rollout.Cancel.Token;
            if (cancellationToken.IsCancellationRequested) return;
            ServingLog.Proving(logger, plan.Workspace, plan.Endpoint, plan.Deployment, plan.Generation);
            DeploymentProof proof;
            try
            {
                proof = host is null
                    ? new DeploymentProof(false, "This server runs no deployment host, so nothing can serve a deployment.", "", null)
                    : await host.StartAsync(plan, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Replaced by a newer generation, deleted, or the server is stopping: the state stays as it is.
                return;
            }
            catch (Exception e)
            {
                ServingLog.ProofThrew(logger, plan.Workspace, plan.Endpoint, plan.Deployment, plan.Generation, e);
                proof = new DeploymentProof(false, $"The deployment host failed: {e.GetType().Name}: {e.Message}", "", null);
            }
            if (cancellationToken.IsCancellationRequested && !proof.Succeeded) return;
            if (proof.Succeeded) _started[key] = plan.Workspace;
            // A restart that works changes nothing on record; one that fails says so on the deployment.
            if (restart && proof.Succeeded) return;
            await RecordAsync(plan.WorkspaceId, plan.Workspace, plan.Endpoint, plan.Deployment, plan.Generation, proof, CancellationToken.None);
        }
        finally
        {
            lock (_gate)
                if (_rollouts.TryGetValue(key, out var current) && ReferenceEquals(current, rollout))
                    _rollouts.Remove(key);
            rollout.Cancel.Dispose();
        }
    }

    private async Task RecordAsync(long workspaceId, string workspace, string endpoint, string deployment, int generation, DeploymentProof proof,
        CancellationToken cancellationToken)
    {
        var outcome = new DeploymentOutcome(proof.Succeeded, proof.Succeeded ? null : proof.Error ?? "The deployment failed without saying why.",
            proof.Succeeded ? null : proof.InitLog, Common.Times.Now(time));
        if (!await store.CompleteAsync(workspaceId, endpoint, deployment, generation, outcome, cancellationToken)) return;
        directory.Forget(workspace, endpoint);
        if (proof.Succeeded) ServingLog.Succeeded(logger, workspace, endpoint, deployment, generation);
        else ServingLog.Failed(logger, workspace, endpoint, deployment, generation, outcome.Error);
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        if (_started.IsEmpty) return;
        var live = (await store.ListLiveAsync(cancellationToken))
            .Select(d => new Key(d.WorkspaceId, d.Deployment.Endpoint, d.Deployment.Name)).ToHashSet();
        foreach (var (key, workspace) in _started)
        {
            if (live.Contains(key)) continue;
            await StopAsync(key.WorkspaceId, key.Endpoint, key.Deployment, cancellationToken);
            ServingLog.Reconciled(logger, workspace, key.Endpoint, key.Deployment);
        }
    }

    private readonly record struct Key(long WorkspaceId, string Endpoint, string Deployment);

    private sealed class Rollout(CancellationTokenSource cancel)
    {
        public CancellationTokenSource Cancel { get; } = cancel;
        public Task Task { get; set; } = Task.CompletedTask;
    }
}
