using System.Security.Cryptography;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Hosting;
using Loom.Core.Workspaces;
using Microsoft.Extensions.Logging;

namespace Loom.Core.Serving;

/// <summary>Creates, reads, changes (traffic, description, tags) and deletes endpoints, and keeps their keys.</summary>
public sealed class EndpointService(IEndpointStore store, SecretBox secrets, DeploymentRollouts rollouts, EndpointDirectory directory,
    TimeProvider time, ILogger<EndpointService> logger)
{
    private const int KeyBytes = 32;

    /// <summary>What a sealed key is bound to, so a key copied onto another endpoint or slot does not open.</summary>
    public static string KeyPurpose(long workspaceId, string endpoint, string keyType) => $"endpoint-key:{workspaceId}:{endpoint}:{keyType}";

    /// <summary>Creates an endpoint with fresh keys and no traffic; a taken name is <c>endpoint_exists</c>.</summary>
    public async Task<EndpointDto> CreateAsync(WorkspaceRecord workspace, CreateEndpointRequest request, string serverUrl, IdempotentRequest? idempotency,
        CancellationToken cancellationToken)
    {
        var name = Validate.Name(request.Name, "Endpoint");
        var authMode = EndpointRules.AuthMode(request.AuthMode);
        EndpointRules.Description(request.Description);
        Validate.KeyValues(request.Tags, "Tag");
        var record = new EndpointRecord(0, name, authMode, request.Description, request.Tags ?? [], new Dictionary<string, int>(),
            SealedKey(workspace.Id, name, EndpointKeyTypes.Primary), SealedKey(workspace.Id, name, EndpointKeyTypes.Secondary), Times.Now(time), []);
        var stored = await store.CreateAsync(workspace.Id, record, idempotency, cancellationToken)
            ?? throw new LoomException(ErrorCodes.EndpointExists, $"Endpoint '{name}' already exists; change it with PATCH or delete it first.");
        directory.Forget(workspace.Name, stored);
        ServingLog.EndpointCreated(logger, workspace.Name, stored, authMode);
        return await GetAsync(workspace, stored, serverUrl, cancellationToken);
    }

    public async Task<EndpointDto> GetAsync(WorkspaceRecord workspace, string name, string serverUrl, CancellationToken cancellationToken) =>
        ToDto(workspace, await FindAsync(workspace, name, cancellationToken), serverUrl);

    public async Task<IReadOnlyList<EndpointDto>> ListAsync(WorkspaceRecord workspace, string serverUrl, CancellationToken cancellationToken) =>
        (await store.ListAsync(workspace.Id, cancellationToken)).Select(r => ToDto(workspace, r, serverUrl)).ToList();

    /// <summary>Sets the traffic split (checked against the deployments the endpoint has when it is stored), description or tags.</summary>
    public async Task<EndpointDto> UpdateAsync(WorkspaceRecord workspace, string name, UpdateEndpointRequest request, string serverUrl,
        CancellationToken cancellationToken)
    {
        Validate.Name(name, "Endpoint");
        // Checked once before the store is touched, so a bad field fails alike whether or not the name exists.
        EndpointRules.Description(request.Description);
        Validate.KeyValues(request.Tags, "Tag");
        var updated = await store.UpdateAsync(workspace.Id, name, current => current with
        {
            Traffic = request.Traffic is { } traffic ? TrafficRules.Check(traffic, current.Deployments) : current.Traffic,
            Description = request.Description is null ? current.Description : request.Description.Length == 0 ? null : request.Description,
            Tags = request.Tags ?? current.Tags,
        }, cancellationToken) ?? throw NotFound(name);
        directory.Forget(workspace.Name, name);
        if (request.Traffic is not null)
            ServingLog.TrafficSet(logger, workspace.Name, name, string.Join(",", updated.Traffic.Select(t => $"{t.Key}={t.Value}")));
        return await GetAsync(workspace, name, serverUrl, cancellationToken);
    }

    /// <summary>Deletes an endpoint: its deployments are stopped and deleted, its telemetry forgotten.</summary>
    public async Task DeleteAsync(WorkspaceRecord workspace, string name, CancellationToken cancellationToken)
    {
        Validate.Name(name, "Endpoint");
        var deployments = await store.DeleteAsync(workspace.Id, name, cancellationToken) ?? throw NotFound(name);
        directory.Forget(workspace.Name, name);
        foreach (var deployment in deployments) await rollouts.StopAsync(workspace.Id, name, deployment, cancellationToken);
        ServingLog.EndpointDeleted(logger, workspace.Name, name, deployments.Count);
    }

    public async Task<EndpointKeysDto> GetKeysAsync(WorkspaceRecord workspace, string name, CancellationToken cancellationToken)
    {
        var record = await FindAsync(workspace, name, cancellationToken);
        return new EndpointKeysDto(secrets.Unseal(record.PrimaryKey, KeyPurpose(workspace.Id, record.Name, EndpointKeyTypes.Primary)),
            secrets.Unseal(record.SecondaryKey, KeyPurpose(workspace.Id, record.Name, EndpointKeyTypes.Secondary)));
    }

    /// <summary>Replaces one key; callers holding the other keep working, which is how keys are rotated.</summary>
    public async Task<EndpointKeysDto> RegenerateKeyAsync(WorkspaceRecord workspace, string name, RegenerateKeyRequest request, CancellationToken cancellationToken)
    {
        Validate.Name(name, "Endpoint");
        var keyType = request.KeyType?.ToLowerInvariant() switch
        {
            EndpointKeyTypes.Primary => EndpointKeyTypes.Primary,
            EndpointKeyTypes.Secondary => EndpointKeyTypes.Secondary,
            _ => throw new LoomException(ErrorCodes.InvalidRequest, $"keyType '{request.KeyType}' is invalid: use 'primary' or 'secondary'."),
        };
        _ = await store.UpdateAsync(workspace.Id, name, current => keyType == EndpointKeyTypes.Primary
            ? current with { PrimaryKey = SealedKey(workspace.Id, current.Name, keyType) }
            : current with { SecondaryKey = SealedKey(workspace.Id, current.Name, keyType) }, cancellationToken) ?? throw NotFound(name);
        directory.Forget(workspace.Name, name);
        ServingLog.KeyRegenerated(logger, workspace.Name, name, keyType);
        return await GetKeysAsync(workspace, name, cancellationToken);
    }

    /// <summary>The stored endpoint, or <c>endpoint_not_found</c>.</summary>
    public async Task<EndpointRecord> FindAsync(WorkspaceRecord workspace, string name, CancellationToken cancellationToken)
    {
        Validate.Name(name, "Endpoint");
        return await store.GetAsync(workspace.Id, name, cancellationToken) ?? throw NotFound(name);
    }

    /// <summary>The scoring URI of an endpoint on a server reached at <paramref name="serverUrl"/>.</summary>
    public static string ScoringUri(string serverUrl, string workspace, string endpoint) =>
        $"{serverUrl.TrimEnd('/')}/endpoints/{Uri.EscapeDataString(workspace)}/{Uri.EscapeDataString(endpoint)}/score";

    private static EndpointDto ToDto(WorkspaceRecord workspace, EndpointRecord r, string serverUrl)
    {
        var root = $"{serverUrl.TrimEnd('/')}/endpoints/{Uri.EscapeDataString(workspace.Name)}/{Uri.EscapeDataString(r.Name)}";
        return new EndpointDto(r.Name, r.AuthMode, root + "/score", root + "/swagger.json", r.Traffic, r.Deployments, r.Description, r.Tags, r.CreatedTime);
    }

    private string SealedKey(long workspaceId, string endpoint, string keyType) =>
        secrets.Seal(Base64UrlKey(), KeyPurpose(workspaceId, endpoint, keyType));

    private static string Base64UrlKey() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(KeyBytes));

    internal static LoomException NotFound(string name) => LoomException.NotFound(ErrorCodes.EndpointNotFound, "Endpoint", name);
}
