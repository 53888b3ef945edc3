using Loom.Contracts;

namespace Loom.Core.Identity;

/// <summary>A stored access token: only the SHA-256 of the secret is kept.</summary>
public sealed record TokenRecord(string Id, string Name, string Hash, string Workspace, Role Role, bool Admin,
    DateTimeOffset CreatedTime, DateTimeOffset? LastUsedTime, DateTimeOffset? RevokedTime)
{
    public TokenDto ToDto() => new(Id, Name, Workspace, Role, Admin, CreatedTime, LastUsedTime, RevokedTime is not null);
}
