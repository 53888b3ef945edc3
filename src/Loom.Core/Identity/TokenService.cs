using System.Collections.Concurrent;
using System.Security.Cryptography;
using Loom.Contracts;
using Loom.Core.Common;
using Microsoft.Extensions.Logging;

namespace Loom.Core.Identity;

/// <summary>Creates, lists, revokes and checks access tokens. Secrets are never stored, only their SHA-256.</summary>
public sealed class TokenService(ITokenStore store, TimeProvider time, ILogger<TokenService> logger)
{
    private const string Prefix = "loom_";
    // A short cache keeps a hash lookup off the hot path; revocation through this process clears it at once.
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (TokenRecord? Token, DateTimeOffset Until)> _cache = new();

    public async Task<CreatedTokenDto> CreateAsync(CreateTokenRequest request, CancellationToken cancellationToken)
    {
        var name = Validate.Name(request.Name, "Token");
        var workspace = request.Workspace is null or "*" ? "*" : Validate.Name(request.Workspace, "Workspace");
        var (record, secret) = NewToken(name, workspace, request.Role ?? Role.Contributor, admin: false);
        await store.InsertAsync(record, cancellationToken);
        IdentityLog.TokenCreated(logger, record.Id, name, workspace, record.Role);
        return new CreatedTokenDto(record.Id, name, secret, workspace, record.Role, record.CreatedTime);
    }

    /// <summary>Creates the admin token; used once, on the first start of a data folder.</summary>
    public async Task<string> CreateAdminAsync(CancellationToken cancellationToken)
    {
        var (record, secret) = NewToken("admin", "*", Role.Owner, admin: true);
        await store.InsertAsync(record, cancellationToken);
        return secret;
    }

    /// <summary>
    /// A token for one agent or one run (Contributor in its workspace, narrowed further by the token scope guard),
    /// not yet stored: the caller stores it in the same transaction as what it is for.
    /// </summary>
    public (TokenRecord Record, string Secret) NewScoped(string kind, string subject, string workspace) =>
        NewToken($"{kind}-{subject}", workspace, Role.Contributor, admin: false, kind, subject);

    /// <summary>Forgets cached lookups, so tokens revoked by another store's transaction stop working at once.</summary>
    public void ForgetCached() => _cache.Clear();

    public async Task<IReadOnlyList<TokenDto>> ListAsync(CancellationToken cancellationToken) =>
        (await store.ListAsync(cancellationToken)).Select(t => t.ToDto()).ToList();

    public async Task RevokeAsync(string id, CancellationToken cancellationToken)
    {
        if (!await store.RevokeAsync(id, time.GetUtcNow(), cancellationToken))
            throw LoomException.NotFound(ErrorCodes.TokenNotFound, "Token", id);
        _cache.Clear();
        IdentityLog.TokenRevoked(logger, id);
    }

    /// <summary>The live token for a presented secret, or null when it is unknown or revoked.</summary>
    public async ValueTask<TokenRecord?> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal) || secret.Length > 200) return null;
        var hash = Hashes.Sha256Hex(secret);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > now) return cached.Token;
        var token = await store.FindByHashAsync(hash, cancellationToken);
        if (token is { RevokedTime: not null }) token = null;
        if (token is not null && (token.LastUsedTime is null || now - token.LastUsedTime > TimeSpan.FromMinutes(1)))
            await store.TouchAsync(token.Id, now, cancellationToken);
        _cache[hash] = (token, now + CacheFor);
        return token;
    }

    private (TokenRecord Record, string Secret) NewToken(string name, string workspace, Role role, bool admin,
        string kind = TokenKinds.User, string? subject = null)
    {
        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var id = "tok_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var record = new TokenRecord(id, name.Length > 255 ? name[..255] : name, Hashes.Sha256Hex(secret), workspace, role, admin, Times.Now(time), null, null,
            kind, subject);
        return (record, secret);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
