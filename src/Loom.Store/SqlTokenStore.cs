using System.Data.Common;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Identity;

namespace Loom.Store;

public sealed class SqlTokenStore(LoomDatabase db) : ITokenStore
{
    private const string Columns = "id, name, hash, workspace, role, admin, created_ms, last_used_ms, revoked_ms, kind, subject";

    public Task InsertAsync(TokenRecord token, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => InsertAsync(c, t, token, cancellationToken), cancellationToken);

    /// <summary>Inserts a token inside another store's transaction (an agent's at registration, a run's at claim).</summary>
    internal static Task<int> InsertAsync(DbConnection c, DbTransaction t, TokenRecord token, CancellationToken cancellationToken) =>
        c.Execute(t,
            "INSERT INTO tokens (id, name, hash, workspace, role, admin, created_ms, kind, subject) " +
            "VALUES (@Id, @Name, @Hash, @Workspace, @role, @admin, @created, @Kind, @Subject)",
            new
            {
                token.Id, token.Name, token.Hash, token.Workspace, role = token.Role.ToString(), admin = token.Admin ? 1L : 0L,
                created = Times.ToMs(token.CreatedTime), token.Kind, token.Subject,
            }, cancellationToken);

    /// <summary>Revokes every live token of an agent or run, inside another store's transaction.</summary>
    internal static Task<int> RevokeSubjectAsync(DbConnection c, DbTransaction t, string kind, string subject, long ms, CancellationToken cancellationToken) =>
        c.Execute(t, "UPDATE tokens SET revoked_ms = @ms WHERE kind = @kind AND subject = @subject AND revoked_ms IS NULL",
            new { kind, subject, ms }, cancellationToken);

    public async Task<TokenRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return (await c.First<TokenRow>(null, $"SELECT {Columns} FROM tokens WHERE hash = @hash", new { hash }, cancellationToken))?.ToRecord();
    }

    public async Task<IReadOnlyList<TokenRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return (await c.Query<TokenRow>(null, $"SELECT {Columns} FROM tokens WHERE kind = 'user' ORDER BY created_ms, id", null, cancellationToken))
            .Select(r => r.ToRecord()).ToList();
    }

    public Task<bool> RevokeAsync(string id, DateTimeOffset time, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await c.Execute(t,
            "UPDATE tokens SET revoked_ms = COALESCE(revoked_ms, @ms) WHERE id = @id", new { id, ms = Times.ToMs(time) }, cancellationToken) > 0,
            cancellationToken);

    public Task TouchAsync(string id, DateTimeOffset time, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.Execute(t, "UPDATE tokens SET last_used_ms = @ms WHERE id = @id", new { id, ms = Times.ToMs(time) }, cancellationToken),
            cancellationToken);

    private sealed class TokenRow
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string Hash { get; set; } = "";
        public string Workspace { get; set; } = "";
        public string Role { get; set; } = "";
        public long Admin { get; set; }
        public long CreatedMs { get; set; }
        public long? LastUsedMs { get; set; }
        public long? RevokedMs { get; set; }
        public string Kind { get; set; } = "";
        public string? Subject { get; set; }

        public TokenRecord ToRecord() => new(Id, Name, Hash, Workspace, Enum.Parse<Contracts.Role>(Role), Admin != 0,
            Times.FromMs(CreatedMs), Times.FromMs(LastUsedMs), Times.FromMs(RevokedMs), Kind, Subject);
    }
}
