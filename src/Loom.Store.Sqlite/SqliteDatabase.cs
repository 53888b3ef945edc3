using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Loom.Store.Sqlite;

/// <summary>
/// SQLite in WAL mode. Writes go through one connection fed by a queue that commits concurrent writes
/// together (SQLite has one writer anyway, and queueing beats retrying on SQLITE_BUSY); reads use pooled
/// connections. synchronous=FULL makes every commit durable before any caller is answered.
/// </summary>
public sealed class SqliteDatabase : LoomDatabase
{
    private readonly string _connectionString;
    private readonly SqliteWriteQueue _writes;

    public SqliteDatabase(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = true,
            // Also how long a statement waits on a lock (Microsoft.Data.Sqlite retries SQLITE_BUSY until then).
            DefaultTimeout = 30,
        }.ToString();
        _writes = new SqliteWriteQueue(OpenWriterAsync);
    }

    public override SqlDialect Dialect { get; } = new SqliteDialect();
    public override IBulkWriter Bulk { get; } = new SqliteBulkWriter();

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        Configure(connection);
        return connection;
    }

    public override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        _writes.EnqueueAsync(work, cancellationToken);

    public override Task MigrateAsync(CancellationToken cancellationToken) =>
        Migrator.MigrateAsync(this, typeof(SqliteDatabase).Assembly, cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        Configure(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=4000;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private static void Configure(SqliteConnection connection)
    {
        connection.CreateFunction("loom_number", (string? text) =>
            text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : (double?)null,
            isDeterministic: true);
    }
}
