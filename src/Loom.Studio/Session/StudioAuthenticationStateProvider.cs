using Loom.Core.Identity;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;

namespace Loom.Studio.Session;

/// <summary>
/// Checks an open page's token again every few seconds: the page talks over its circuit, which no HTTP request re-authenticates,
/// so without this a revoked token's open tab would keep reading and acting for as long as it stays open.
/// </summary>
public sealed class StudioAuthenticationStateProvider(ILoggerFactory loggerFactory, TokenService tokens)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(10);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var secret = authenticationState.User.FindFirst(StudioAuthentication.SecretClaim)?.Value;
        return secret is not null && await StudioAuthentication.PrincipalForAsync(tokens, secret, cancellationToken) is not null;
    }
}
