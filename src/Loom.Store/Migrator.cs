using System.Data.Common;
using System.Reflection;
using Dapper;

namespace Loom.Store;

/// <summary>Runs numbered SQL scripts embedded in a provider assembly (<c>Migrations/001_name.sql</c>) once each, in order.</summary>
public static class Migrator
{
    public static async Task MigrateAsync(LoomDatabase database, Assembly assembly, CancellationToken cancellationToken)
    {
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Migrations.") && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Name: n, Version: int.Parse(n.Split(".Migrations.")[1][..3], System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(s => s.Version)
            .ToList();
        await database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)",
                transaction: transaction, cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT version FROM schema_migrations", transaction: transaction, cancellationToken: cancellationToken))).ToHashSet();
            foreach (var (name, version) in scripts.Where(s => !applied.Contains(s.Version)))
            {
                await using var stream = assembly.GetManifestResourceStream(name)!;
                var sql = await new StreamReader(stream).ReadToEndAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, applied_ms) VALUES (@version, @now)",
                    new { version = (long)version, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
            }
            return 0;
        }, cancellationToken);
    }
}
