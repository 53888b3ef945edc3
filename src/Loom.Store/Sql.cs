using System.Data.Common;
using Dapper;

namespace Loom.Store;

/// <summary>Short forms of Dapper calls that always pass the transaction and the cancellation token.</summary>
internal static class Sql
{
    public static Task<int> Execute(this DbConnection c, DbTransaction? t, string sql, object? args, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(sql, args, t, cancellationToken: ct));

    public static async Task<List<T>> Query<T>(this DbConnection c, DbTransaction? t, string sql, object? args, CancellationToken ct) =>
        (await c.QueryAsync<T>(new CommandDefinition(sql, args, t, cancellationToken: ct))).AsList();

    public static Task<T?> First<T>(this DbConnection c, DbTransaction? t, string sql, object? args, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<T>(new CommandDefinition(sql, args, t, cancellationToken: ct));

    public static Task<T> Scalar<T>(this DbConnection c, DbTransaction? t, string sql, object? args, CancellationToken ct) =>
        c.ExecuteScalarAsync<T>(new CommandDefinition(sql, args, t, cancellationToken: ct))!;
}
