using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Loom.Core.Common;
using Loom.Core.Hosting;
using Loom.Core.Workspaces;
using Microsoft.Extensions.Options;

namespace Loom.Core.Serving;

/// <summary>
/// What a scoring call needs of an endpoint: its ids, auth mode, the SHA-256 of its keys (compared in constant time), traffic and
/// deployments.
/// </summary>
public sealed record ScoringTarget(long WorkspaceId, string Workspace, long EndpointId, string Endpoint, string AuthMode, byte[] PrimaryKeyHash,
    byte[] SecondaryKeyHash, IReadOnlyDictionary<string, int> Traffic, IReadOnlyList<string> Deployments)
{
    /// <summary>Whether <paramref name="presented"/> is one of the keys, in time that does not depend on where it differs.</summary>
    public bool IsKey(string presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        // Both compared every time, so which key matched does not show either.
        var primary = CryptographicOperations.FixedTimeEquals(hash, PrimaryKeyHash);
        var secondary = CryptographicOperations.FixedTimeEquals(hash, SecondaryKeyHash);
        return primary | secondary;
    }
}

/// <summary>
/// Keeps the scoring targets of endpoints in memory so a scoring call neither reads the database nor decrypts keys. Changes made
/// through this server forget the entry at once; entries also expire after <see cref="EndpointOptions.EndpointCacheSeconds"/>.
/// </summary>
public sealed class EndpointDirectory(IEndpointStore store, WorkspaceService workspaces, SecretBox secrets, IOptions<EndpointOptions> options,
    TimeProvider time)
{
    // Unknown names are remembered too (a caller retrying a typo costs no query), but only this many entries in all.
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<(string Workspace, string Endpoint), (ScoringTarget? Target, long Until)> _cache = new();

    /// <summary>The endpoint's target, or null when the workspace has no such endpoint; an unknown workspace is <c>workspace_not_found</c>.</summary>
    public async ValueTask<ScoringTarget?> FindAsync(string workspace, string endpoint, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_cache.TryGetValue((workspace, endpoint), out var cached) && cached.Until > now) return cached.Target;
        var resolved = await workspaces.ResolveAsync(workspace, cancellationToken);
        Validate.Name(endpoint, "Endpoint");
        var record = await store.GetAsync(resolved.Id, endpoint, cancellationToken);
        var target = record is null ? null : new ScoringTarget(resolved.Id, resolved.Name, record.Id, record.Name, record.AuthMode,
            KeyHash(secrets.Unseal(record.PrimaryKey, EndpointService.KeyPurpose(resolved.Id, record.Name, Contracts.EndpointKeyTypes.Primary))),
            KeyHash(secrets.Unseal(record.SecondaryKey, EndpointService.KeyPurpose(resolved.Id, record.Name, Contracts.EndpointKeyTypes.Secondary))),
            record.Traffic, record.Deployments);
        if (_cache.Count >= MaxEntries) _cache.Clear();
        _cache[(workspace, endpoint)] = (target, now + (long)(options.Value.EndpointCacheSeconds * time.TimestampFrequency));
        return target;
    }

    /// <summary>Forgets what is known of an endpoint, after it changed.</summary>
    public void Forget(string workspace, string endpoint) => _cache.TryRemove((workspace, endpoint), out _);

    private static byte[] KeyHash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
