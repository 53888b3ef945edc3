using Loom.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Loom.Core.Identity;

public static class IdentityEndpoints
{
    public static IEndpointRouteBuilder MapIdentity(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/v1/tokens").WithTags("Tokens").RequireAuthorization(LoomClaims.AdminPolicy);
        tokens.MapPost("", CreateToken).WithName("CreateToken");
        tokens.MapGet("", ListTokens).WithName("ListTokens");
        tokens.MapDelete("/{id}", RevokeToken).WithName("RevokeToken");
        return app;
    }

    public static async Task<Created<CreatedTokenDto>> CreateToken(CreateTokenRequest request, TokenService tokens, CancellationToken cancellationToken)
    {
        var created = await tokens.CreateAsync(request, cancellationToken);
        return TypedResults.Created($"/api/v1/tokens/{created.Id}", created);
    }

    public static async Task<Ok<ListResult<TokenDto>>> ListTokens(TokenService tokens, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<TokenDto>(await tokens.ListAsync(cancellationToken)));

    public static async Task<NoContent> RevokeToken(string id, TokenService tokens, CancellationToken cancellationToken)
    {
        await tokens.RevokeAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }
}
