using System.Security.Claims;
using Loom.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Studio.Session;

/// <summary>
/// The Studio's cookie session: signing in with a token stores it, encrypted, in an HttpOnly SameSite cookie; every request
/// checks it again, and open pages check it every few seconds (<see cref="StudioAuthenticationStateProvider"/>), so a revoked
/// token ends its sessions within seconds.
/// </summary>
public static class StudioAuthentication
{
    public const string Scheme = "Studio";
    public const string Policy = "studio";
    public const string CookieName = "loom_studio";
    internal const string SecretClaim = "loom:studio-secret";

    internal static void Add(IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/signin";
            o.ExpireTimeSpan = TimeSpan.FromDays(7);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = RevalidateAsync;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
    }

    /// <summary>The principal a user token signs in as, or null for an unknown token or one that is not a person's.</summary>
    public static async Task<ClaimsPrincipal?> PrincipalForAsync(TokenService tokens, string secret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(secret)) return null;
        var token = await tokens.AuthenticateAsync(secret.Trim(), cancellationToken);
        if (token is null || token.Kind != TokenKinds.User) return null;
        var principal = LoomClaims.ToPrincipal(token);
        var identity = new ClaimsIdentity(principal.Claims.Append(new Claim(SecretClaim, secret.Trim())), Scheme);
        return new ClaimsPrincipal(identity);
    }

    private static async Task RevalidateAsync(CookieValidatePrincipalContext context)
    {
        var secret = context.Principal?.FindFirst(SecretClaim)?.Value;
        var tokens = context.HttpContext.RequestServices.GetRequiredService<TokenService>();
        var fresh = secret is null ? null : await PrincipalForAsync(tokens, secret, context.HttpContext.RequestAborted);
        if (fresh is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }
        context.ReplacePrincipal(fresh);
    }
}
