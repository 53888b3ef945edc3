using System.Globalization;
using Loom.Blobs;
using Loom.Client;
using Loom.Contracts;
using Loom.Core.Serving;

namespace Loom.Serving.Standalone;

/// <summary>
/// A deployment as <c>loom serve</c> reads it through the REST API: the deployment, its endpoint and keys, and the plan of its
/// generation, whose model and source files are copied (each checked against its SHA-256) into a local blob store so that the
/// host lays out the generation exactly as it does from the server's store.
/// </summary>
internal sealed class RemoteDeployment(LoomClient client, string workspace, string endpoint, string deployment, IBlobStore blobs, string downloads)
{
    /// <summary>
    /// The workspace id a standalone host files its one deployment under: it has no database, and a slot key only needs to be the
    /// same for every call.
    /// </summary>
    public const long WorkspaceId = 0;

    public Task<DeploymentDto> GetAsync(CancellationToken cancellationToken) =>
        client.Endpoints.GetDeploymentAsync(workspace, endpoint, deployment, cancellationToken);

    public Task<EndpointDto> GetEndpointAsync(CancellationToken cancellationToken) => client.Endpoints.GetAsync(workspace, endpoint, cancellationToken);

    public Task<EndpointKeysDto> GetKeysAsync(CancellationToken cancellationToken) => client.Endpoints.GetKeysAsync(workspace, endpoint, cancellationToken);

    /// <summary>
    /// The plan of <paramref name="spec"/>'s generation, as <see cref="DeploymentPlanner"/> makes it on the server, with every file
    /// it names in the local blob store, with the deployment's sample request and variables.
    /// </summary>
    public async Task<DeploymentPlan> PlanAsync(DeploymentDto spec, CancellationToken cancellationToken)
    {
        var models = new List<DeployedModel>();
        foreach (var reference in spec.Models)
        {
            var (name, version) = EndpointRules.ModelReference(reference);
            var model = await client.Models.GetAsync(workspace, name, version, cancellationToken);
            await StoreModelAsync(model, cancellationToken);
            models.Add(new DeployedModel(model.Name, model.Version, model.Files));
        }
        var (environmentName, environmentVersion) = EndpointRules.EnvironmentReference(spec.Environment);
        var environment = await client.Environments.GetAsync(workspace, environmentName,
            int.TryParse(environmentVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null, cancellationToken);
        IReadOnlyList<SnapshotEntryDto> source = [];
        if (spec.SnapshotId is { } snapshotId)
        {
            source = (await client.Snapshots.GetAsync(workspace, snapshotId, cancellationToken)).Entries;
            foreach (var entry in source) await StoreSourceFileAsync(snapshotId, entry, cancellationToken);
        }
        return new DeploymentPlan(WorkspaceId, workspace, endpoint, deployment, spec.Generation, models, environment, spec.SnapshotId, source,
            spec.EntryScript, spec.MinReplicas, spec.MaxReplicas, spec.WorkersPerReplica, spec.MaxConcurrentRequestsPerReplica, spec.RequestTimeoutMs,
            spec.SampleRequest, spec.Variables ?? new Dictionary<string, string>(StringComparer.Ordinal));
    }

    /// <summary>Downloads a model version (the client checks each file's hash) unless every file is stored, and stores its files.</summary>
    private async Task StoreModelAsync(ModelDto model, CancellationToken cancellationToken)
    {
        if (await AllStoredAsync(model.Files, cancellationToken)) return;
        var folder = Path.Combine(downloads, Guid.NewGuid().ToString("N"));
        try
        {
            await client.Models.DownloadAsync(workspace, model.Name, model.Version, folder, cancellationToken: cancellationToken);
            foreach (var file in model.Files)
            {
                await using var content = File.OpenRead(Path.Combine(folder, file.Path));
                await blobs.PutAsync(content, file.Sha256, cancellationToken);
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Downloads one source file unless it is stored; the blob store refuses bytes that do not hash to the manifest's SHA-256.</summary>
    private async Task StoreSourceFileAsync(string snapshotId, SnapshotEntryDto entry, CancellationToken cancellationToken)
    {
        if (await blobs.ExistsAsync(entry.Sha256.ToLowerInvariant(), cancellationToken)) return;
        Directory.CreateDirectory(downloads);
        var path = Path.Combine(downloads, Guid.NewGuid().ToString("N"));
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            await client.Snapshots.DownloadFileAsync(workspace, snapshotId, entry.Path, file, cancellationToken);
            file.Position = 0;
            await blobs.PutAsync(file, entry.Sha256, cancellationToken);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<bool> AllStoredAsync(IReadOnlyList<SnapshotEntryDto> files, CancellationToken cancellationToken)
    {
        foreach (var file in files)
            if (!await blobs.ExistsAsync(file.Sha256.ToLowerInvariant(), cancellationToken)) return false;
        return true;
    }
}
