using System.Security.Claims;
using Loom.Contracts;

namespace Loom.Core.Identity;

/// <summary>The claims a bearer token turns into, and how to read them back.</summary>
public static class LoomClaims
{
    public const string Scheme = "Bearer";
    public const string AdminPolicy = "admin";
    public const string TokenId = "loom:token";
    public const string Admin = "loom:admin";
    public const string Workspace = "loom:workspace";
    public const string Role = "loom:role";
    public const string Kind = "loom:kind";
    public const string Subject = "loom:subject";

    public static ClaimsPrincipal ToPrincipal(TokenRecord token) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, token.Name),
            new Claim(TokenId, token.Id),
            new Claim(Admin, token.Admin ? "true" : "false"),
            new Claim(Workspace, token.Workspace),
            new Claim(Role, token.Role.ToString()),
            new Claim(Kind, token.Kind),
            new Claim(Subject, token.Subject ?? ""),
        ], Scheme));

    /// <summary>The token's kind (<see cref="TokenKinds"/>).</summary>
    public static string TokenKind(this ClaimsPrincipal user) => user.FindFirst(Kind)?.Value ?? TokenKinds.User;

    /// <summary>The run a run token is for, or null for any other caller.</summary>
    public static string? ScopedRun(this ClaimsPrincipal user) =>
        user.TokenKind() == TokenKinds.Run ? user.FindFirst(Subject)?.Value : null;


    public static bool IsAdmin(this ClaimsPrincipal user) => user.FindFirst(Admin)?.Value == "true";

    /// <summary>The role the principal holds in a workspace, or null when it holds none.</summary>
    public static Contracts.Role? RoleIn(this ClaimsPrincipal user, string workspace)
    {
        if (user.IsAdmin()) return Contracts.Role.Owner;
        var scope = user.FindFirst(Workspace)?.Value;
        if (scope != "*" && !string.Equals(scope, workspace, StringComparison.Ordinal)) return null;
        return Enum.TryParse<Contracts.Role>(user.FindFirst(Role)?.Value, out var role) ? role : null;
    }
}
