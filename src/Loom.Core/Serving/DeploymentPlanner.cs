using System.Globalization;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Environments;
using Loom.Core.Registry;
using Loom.Core.Snapshots;
using Loom.Core.Workspaces;

namespace Loom.Core.Serving;

/// <summary>
/// Turns what a deployment names into what a host runs: model references into versions with their files, the environment into its
/// spec, the snapshot into its files.
/// </summary>
public sealed class DeploymentPlanner(IModelStore models, EnvironmentService environments, SnapshotService snapshots)
{
    /// <summary>
    /// Resolves the spec's model references (<c>name</c> is the latest version now) and environment to <c>name:version</c>, and checks that
    /// the snapshot holds the entry script (or, without one, that the deployment is a single ONNX model).
    /// </summary>
    public async Task<DeploymentSpec> ResolveAsync(WorkspaceRecord workspace, DeploymentSpec requested, CancellationToken cancellationToken)
    {
        var resolved = new List<string>();
        var files = new List<SnapshotEntryDto>();
        foreach (var reference in requested.Models)
        {
            var (name, version) = EndpointRules.ModelReference(reference);
            var model = await models.GetAsync(workspace.Id, name, version, cancellationToken)
                ?? throw LoomException.NotFound(ErrorCodes.ModelNotFound, "Model", version is null ? name : $"{name}:{version}");
            var id = $"{model.Name}:{model.Version}";
            // Checked once resolved: 'iris' and 'iris:3' may name the same version.
            if (resolved.Contains(id))
                throw new LoomException(ErrorCodes.InvalidDeployment, $"Model {id} is named twice; a deployment holds each model version once.");
            resolved.Add(id);
            files.AddRange(SnapshotManifest.Parse(model.Manifest));
        }
        var (environmentName, environmentVersion) = EndpointRules.EnvironmentReference(requested.Environment);
        var environment = await environments.GetAsync(workspace, environmentName, environmentVersion, cancellationToken);
        if (requested.SnapshotId is { } snapshotId)
        {
            var entries = await snapshots.EntriesAsync(workspace.Id, snapshotId, cancellationToken);
            if (requested.EntryScript is { } script && !entries.Any(e => e.Path == script))
                throw new LoomException(ErrorCodes.InvalidDeployment,
                    $"entryScript '{script}' is not in snapshot {snapshotId[..12]} (it holds {entries.Count} files); give its path relative to the source folder.");
        }
        if (requested.EntryScript is null && (resolved.Count != 1 || !files.Any(f => f.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))))
            throw new LoomException(ErrorCodes.InvalidDeployment,
                "A deployment needs an entryScript in its source folder (snapshotId), unless it serves exactly one ONNX model without code.");
        return requested with
        {
            Models = resolved,
            Environment = $"{environment.Name}:{environment.Version.ToString(CultureInfo.InvariantCulture)}",
        };
    }

    /// <summary>The plan of one generation of a resolved spec, with every file the host needs.</summary>
    public async Task<DeploymentPlan> PlanAsync(WorkspaceRecord workspace, string endpoint, string deployment, int generation, DeploymentSpec spec,
        CancellationToken cancellationToken)
    {
        var deployed = new List<DeployedModel>();
        foreach (var reference in spec.Models)
        {
            var (name, version) = EndpointRules.ModelReference(reference);
            var model = await models.GetAsync(workspace.Id, name, version, cancellationToken)
                ?? throw LoomException.NotFound(ErrorCodes.ModelNotFound, "Model", reference);
            deployed.Add(new DeployedModel(model.Name, model.Version, SnapshotManifest.Parse(model.Manifest)));
        }
        var (environmentName, environmentVersion) = EndpointRules.EnvironmentReference(spec.Environment);
        var environment = await environments.GetAsync(workspace, environmentName, environmentVersion, cancellationToken);
        var sourceFiles = spec.SnapshotId is { } id ? await snapshots.EntriesAsync(workspace.Id, id, cancellationToken) : [];
        return new DeploymentPlan(workspace.Id, workspace.Name, endpoint, deployment, generation, deployed, environment, spec.SnapshotId, sourceFiles,
            spec.EntryScript, spec.MinReplicas, spec.MaxReplicas, spec.WorkersPerReplica, spec.MaxConcurrentRequestsPerReplica, spec.RequestTimeoutMs,
            spec.SampleRequest, spec.Variables);
    }
}
