namespace Loom.Contracts;

/// <summary>Workspace roles, weakest first.</summary>
public enum Role { Reader, Contributor, Owner }

public sealed record CreateTokenRequest(string Name, string? Workspace = null, Role? Role = null);

/// <summary>A new token; <see cref="Token"/> is the secret and is only ever returned here.</summary>
public sealed record CreatedTokenDto(string Id, string Name, string Token, string Workspace, Role Role, DateTimeOffset CreatedTime);

public sealed record TokenDto(string Id, string Name, string Workspace, Role Role, bool Admin,
    DateTimeOffset CreatedTime, DateTimeOffset? LastUsedTime, bool Revoked);
