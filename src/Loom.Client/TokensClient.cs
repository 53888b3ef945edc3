using Loom.Client.Http;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>Personal access tokens (admin only).</summary>
public sealed class TokensClient
{
    private readonly LoomHttp http;

    internal TokensClient(LoomHttp http) => this.http = http;

    /// <summary>Creates a token; the answer is the only place its secret appears.</summary>
    public Task<CreatedTokenDto> CreateAsync(CreateTokenRequest request, CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<CreatedTokenDto>(HttpMethod.Post, ApiPaths.Tokens, request, idempotencyKey: null, retryable: false, cancellationToken);

    public async Task<IReadOnlyList<TokenDto>> ListAsync(CancellationToken cancellationToken = default) =>
        (await http.GetAsync<ListResult<TokenDto>>(ApiPaths.Tokens, cancellationToken)).Value;

    /// <summary>Revokes a token; later calls with it are 401.</summary>
    public Task RevokeAsync(string id, CancellationToken cancellationToken = default) =>
        http.SendAsync(HttpMethod.Delete, $"{ApiPaths.Tokens}/{ApiPaths.Escape(id)}", cancellationToken);
}
