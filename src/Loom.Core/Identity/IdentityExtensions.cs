using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Core.Identity;

public static class IdentityExtensions
{
    /// <summary>Bearer tokens for every call; calls that say nothing else need an authenticated caller.</summary>
    public static IServiceCollection AddIdentity(this IServiceCollection services)
    {
        services.AddSingleton<TokenService>();
        services.AddAuthentication(LoomClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(LoomClaims.Scheme, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(LoomClaims.Scheme).RequireAuthenticatedUser().Build())
            .AddPolicy(LoomClaims.AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(LoomClaims.Admin, "true"));
        return services;
    }
}
