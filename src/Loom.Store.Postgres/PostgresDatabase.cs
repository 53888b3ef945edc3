using System.Data.Common;
using Npgsql;

namespace Loom.Store.Postgres;

/// <summary>PostgreSQL through a pooled data source; each write is its own transaction.</summary>
public sealed class PostgresDatabase : LoomDatabase
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(string connectionString)
    {
        if (connectionString.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || connectionString.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            connectionString = FromUri(new Uri(connectionString));
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override SqlDialect Dialect { get; } = new PostgresDialect();
    public override IBulkWriter Bulk { get; } = new PostgresBulkWriter();

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(CancellationToken.None);
        return result;
    }

    public override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        // Replicas may start together; an advisory lock lets one migrate while the others wait.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(7426001)", connection))
            await command.ExecuteNonQueryAsync(cancellationToken);
        try { await Migrator.MigrateAsync(this, typeof(PostgresDatabase).Assembly, cancellationToken); }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(7426001)", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static string FromUri(Uri uri)
    {
        var user = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            Username = user.Length > 0 ? Uri.UnescapeDataString(user[0]) : null,
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
        };
        return builder.ConnectionString;
    }
}
