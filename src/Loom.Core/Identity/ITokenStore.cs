namespace Loom.Core.Identity;

public interface ITokenStore
{
    Task InsertAsync(TokenRecord token, CancellationToken cancellationToken);
    Task<TokenRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken);
    Task<IReadOnlyList<TokenRecord>> ListAsync(CancellationToken cancellationToken);
    Task<bool> RevokeAsync(string id, DateTimeOffset time, CancellationToken cancellationToken);
    Task TouchAsync(string id, DateTimeOffset time, CancellationToken cancellationToken);
}
