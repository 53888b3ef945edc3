using Loom.Contracts;

namespace Loom.Core.Identity;

/// <summary>
/// A stored access token: only the SHA-256 of the secret is kept. <see cref="Kind"/> is one of <see cref="TokenKinds"/>;
/// an agent or run token names its agent or run in <see cref="Subject"/>.
/// </summary>
public sealed record TokenRecord(string Id, string Name, string Hash, string Workspace, Role Role, bool Admin,
    DateTimeOffset CreatedTime, DateTimeOffset? LastUsedTime, DateTimeOffset? RevokedTime,
    string Kind = TokenKinds.User, string? Subject = null)
{
    public TokenDto ToDto() => new(Id, Name, Workspace, Role, Admin, CreatedTime, LastUsedTime, RevokedTime is not null);
}
