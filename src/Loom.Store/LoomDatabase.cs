using System.Data.Common;

namespace Loom.Store;

/// <summary>
/// A metadata database as the shared store sees it: connections for reads, a write transaction helper,
/// the provider's dialect, its bulk path and its migrations.
/// </summary>
public abstract class LoomDatabase : IAsyncDisposable
{
    static LoomDatabase() => Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;

    public abstract SqlDialect Dialect { get; }
    public abstract IBulkWriter Bulk { get; }

    /// <summary>Opens a connection for reads; the caller disposes it.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a write transaction and commits when it returns; rolls back when it throws.</summary>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Applies the provider's schema migrations that have not run yet.</summary>
    public abstract Task MigrateAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}
