using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Registry;
using Loom.Core.Workspaces;
using Microsoft.Extensions.Logging;

namespace Loom.Core.Serving;

/// <summary>
/// Creates, reads, changes and deletes deployments. Each create or change is a new generation: stored as <c>Updating</c> and proven in
/// the background by <see cref="DeploymentRollouts"/>, while the previous generation keeps serving. Deployments are the registry's
/// <see cref="IModelUsage"/>: a model version a deployment names is not deleted.
/// </summary>
public sealed class DeploymentService(IEndpointStore store, DeploymentPlanner planner, DeploymentRollouts rollouts, EndpointDirectory directory,
    TimeProvider time, ILogger<DeploymentService> logger, IDeploymentHost? host = null) : IModelUsage
{
    public const int DefaultLogLines = 200;
    public const int MaxLogLines = 10_000;

    public async Task<DeploymentDto> CreateAsync(WorkspaceRecord workspace, string endpoint, CreateDeploymentRequest request, IdempotentRequest? idempotency,
        CancellationToken cancellationToken)
    {
        Validate.Name(endpoint, "Endpoint");
        var name = Validate.Name(request.Name, "Deployment");
        var min = request.MinReplicas ?? 1;
        var workers = request.WorkersPerReplica ?? EndpointRules.DefaultWorkers;
        var requested = EndpointRules.Check(new DeploymentSpec(request.Models ?? [], request.Environment ?? EndpointRules.DefaultEnvironment,
            request.SnapshotId, request.EntryScript, min, request.MaxReplicas ?? Math.Max(1, min), workers,
            request.MaxConcurrentRequestsPerReplica ?? workers * EndpointRules.RequestsPerWorker, request.RequestTimeoutMs ?? EndpointRules.DefaultTimeoutMs,
            request.SampleRequest, request.Variables ?? []));
        // The endpoint is looked up first so a missing one is endpoint_not_found, whatever the models say.
        if (await store.GetAsync(workspace.Id, endpoint, cancellationToken) is null) throw EndpointService.NotFound(endpoint);
        var spec = await planner.ResolveAsync(workspace, requested, cancellationToken);
        var now = Times.Now(time);
        var created = await store.CreateDeploymentAsync(workspace.Id, endpoint,
            new DeploymentRecord(endpoint, name, spec, 1, DeploymentStates.Updating, null, null, null, null, now, now), idempotency, cancellationToken);
        if (!created.EndpointFound) throw EndpointService.NotFound(endpoint);
        if (created.Name is null)
            throw new LoomException(ErrorCodes.DeploymentExists, $"Deployment '{name}' of endpoint '{endpoint}' already exists; change it with PATCH or delete it first.");
        directory.Forget(workspace.Name, endpoint);
        var record = await FindAsync(workspace, endpoint, created.Name, cancellationToken);
        if (!created.Replayed) await StartAsync(workspace, record);
        return ToDto(workspace, record);
    }

    public async Task<DeploymentDto> GetAsync(WorkspaceRecord workspace, string endpoint, string name, CancellationToken cancellationToken) =>
        ToDto(workspace, await FindAsync(workspace, endpoint, name, cancellationToken));

    public async Task<IReadOnlyList<DeploymentDto>> ListAsync(WorkspaceRecord workspace, string endpoint, CancellationToken cancellationToken)
    {
        Validate.Name(endpoint, "Endpoint");
        var records = await store.ListDeploymentsAsync(workspace.Id, endpoint, cancellationToken) ?? throw EndpointService.NotFound(endpoint);
        return records.Select(r => ToDto(workspace, r)).ToList();
    }

    /// <summary>Replaces the fields given and proves the result as a new generation; the previous one serves meanwhile.</summary>
    public async Task<DeploymentDto> UpdateAsync(WorkspaceRecord workspace, string endpoint, string name, UpdateDeploymentRequest request,
        CancellationToken cancellationToken)
    {
        var current = await FindAsync(workspace, endpoint, name, cancellationToken);
        var old = current.Spec;
        var workers = request.WorkersPerReplica ?? old.WorkersPerReplica;
        var min = request.MinReplicas ?? old.MinReplicas;
        var requested = EndpointRules.Check(old with
        {
            Models = request.Models ?? old.Models,
            Environment = request.Environment ?? old.Environment,
            SnapshotId = request.SnapshotId ?? old.SnapshotId,
            EntryScript = request.EntryScript is null ? old.EntryScript : request.EntryScript.Length == 0 ? null : request.EntryScript,
            MinReplicas = min,
            MaxReplicas = request.MaxReplicas ?? Math.Max(old.MaxReplicas, min),
            WorkersPerReplica = workers,
            // Concurrency follows the workers unless it was set apart from them.
            MaxConcurrentRequestsPerReplica = request.MaxConcurrentRequestsPerReplica
                ?? (old.MaxConcurrentRequestsPerReplica == old.WorkersPerReplica * EndpointRules.RequestsPerWorker
                    ? workers * EndpointRules.RequestsPerWorker : Math.Max(old.MaxConcurrentRequestsPerReplica, workers)),
            RequestTimeoutMs = request.RequestTimeoutMs ?? old.RequestTimeoutMs,
            SampleRequest = request.SampleRequest is null ? old.SampleRequest : request.SampleRequest.Length == 0 ? null : request.SampleRequest,
            Variables = request.Variables ?? old.Variables,
        });
        var spec = await planner.ResolveAsync(workspace, requested, cancellationToken);
        var now = Times.Now(time);
        var updated = await store.UpdateDeploymentAsync(workspace.Id, endpoint, name, stored => stored with
        {
            Spec = spec,
            Generation = stored.Generation + 1,
            State = DeploymentStates.Updating,
            Error = null,
            InitLog = null,
            UpdatedTime = now,
        }, cancellationToken) ?? throw NotFound(endpoint, name);
        await StartAsync(workspace, updated);
        return ToDto(workspace, updated);
    }

    /// <summary>Deletes a deployment that takes no traffic (or is the endpoint's only one) and stops it.</summary>
    public async Task DeleteAsync(WorkspaceRecord workspace, string endpoint, string name, CancellationToken cancellationToken)
    {
        Validate.Name(endpoint, "Endpoint");
        Validate.Name(name, "Deployment");
        var deleted = await store.DeleteDeploymentAsync(workspace.Id, endpoint, name, current =>
        {
            if (current.Traffic.GetValueOrDefault(name) > 0 && current.Deployments.Any(d => d != name))
                throw new LoomException(ErrorCodes.DeploymentHasTraffic,
                    $"Deployment '{name}' takes {current.Traffic[name]}% of endpoint '{endpoint}''s traffic; move it to other deployments first " +
                    $"(loom endpoint update {endpoint} --traffic ...).");
        }, cancellationToken);
        if (!deleted)
        {
            if (await store.GetAsync(workspace.Id, endpoint, cancellationToken) is null) throw EndpointService.NotFound(endpoint);
            throw NotFound(endpoint, name);
        }
        directory.Forget(workspace.Name, endpoint);
        await rollouts.StopAsync(workspace.Id, endpoint, name, cancellationToken);
        ServingLog.DeploymentDeleted(logger, workspace.Name, endpoint, name);
    }

    /// <summary>The deployment's recent log lines, oldest first.</summary>
    public async Task<DeploymentLogsDto> LogsAsync(WorkspaceRecord workspace, string endpoint, string name, int? lines, CancellationToken cancellationToken)
    {
        var count = lines ?? DefaultLogLines;
        if (count is < 1 or > MaxLogLines) throw new LoomException(ErrorCodes.InvalidRequest, $"lines must be from 1 to {MaxLogLines}.");
        var record = await FindAsync(workspace, endpoint, name, cancellationToken);
        var found = host?.Logs(workspace.Id, endpoint, record.Name, count) ?? [];
        // When nothing runs (a failed proof, a host without logs), the init log kept with the deployment is what there is.
        if (found.Count == 0 && record.InitLog is { Length: > 0 } initLog)
            found = initLog.Split('\n').TakeLast(count).ToList();
        return new DeploymentLogsDto(found);
    }

    public async Task<IReadOnlyList<string>> UsersOfAsync(long workspaceId, string name, int version, CancellationToken cancellationToken) =>
        (await store.ListWorkspaceDeploymentsAsync(workspaceId, cancellationToken))
            .Where(d => d.Spec.Uses(name, version) || d.ServingSpec?.Uses(name, version) == true)
            .Select(d => $"{d.Endpoint}/{d.Name}")
            .ToList();

    public async Task<DeploymentRecord> FindAsync(WorkspaceRecord workspace, string endpoint, string name, CancellationToken cancellationToken)
    {
        Validate.Name(endpoint, "Endpoint");
        Validate.Name(name, "Deployment");
        if (await store.GetDeploymentAsync(workspace.Id, endpoint, name, cancellationToken) is { } record) return record;
        if (await store.GetAsync(workspace.Id, endpoint, cancellationToken) is null) throw EndpointService.NotFound(endpoint);
        throw NotFound(endpoint, name);
    }

    // Not cancelled with the request: once the generation is stored, its proof must start.
    private async Task StartAsync(WorkspaceRecord workspace, DeploymentRecord record) =>
        rollouts.Start(await planner.PlanAsync(workspace, record.Endpoint, record.Name, record.Generation, record.Spec, CancellationToken.None));

    private DeploymentDto ToDto(WorkspaceRecord workspace, DeploymentRecord r)
    {
        var s = r.Spec;
        var runtime = host?.Runtime(workspace.Id, r.Endpoint, r.Name);
        return new DeploymentDto(r.Name, r.Endpoint, s.Models, s.Environment, s.EntryScript, s.SnapshotId, s.MinReplicas, s.MaxReplicas, s.WorkersPerReplica,
            s.MaxConcurrentRequestsPerReplica, s.RequestTimeoutMs, r.State, r.Error, r.State == DeploymentStates.Failed ? r.InitLog : null, r.Generation,
            runtime?.Replicas ?? 0, r.CreatedTime, r.UpdatedTime, s.SampleRequest, s.Variables);
    }

    private static LoomException NotFound(string endpoint, string name) =>
        new(ErrorCodes.DeploymentNotFound, $"Deployment '{name}' of endpoint '{endpoint}' does not exist.");
}
