using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Loom.Benchmarks;

/// <summary>
/// The SQLite store's raw limit for one-row-per-point storage (MLflow's design, a point is a row, at
/// its best: no index, one prepared statement, one transaction, no HTTP) in its own file with Loom's
/// pragmas: WAL and synchronous=FULL.
/// </summary>
public static class RawSqliteInsert
{
    public static double Run(string path, PointPlan plan, IReadOnlyList<string> runIds)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=4000;");
        Execute(connection, "CREATE TABLE raw_points (run_id TEXT NOT NULL, name TEXT NOT NULL, step INTEGER NOT NULL, value REAL, ts INTEGER NOT NULL)");
        var names = Enumerable.Range(0, PointPlan.Metrics).Select(PointPlan.MetricName).ToArray();
        var watch = Stopwatch.StartNew();
        using (var transaction = connection.BeginTransaction())
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO raw_points (run_id, name, step, value, ts) VALUES ($r, $n, $s, $v, $t)";
            var run = insert.Parameters.Add("$r", SqliteType.Text);
            var name = insert.Parameters.Add("$n", SqliteType.Text);
            var step = insert.Parameters.Add("$s", SqliteType.Integer);
            var value = insert.Parameters.Add("$v", SqliteType.Real);
            var ts = insert.Parameters.Add("$t", SqliteType.Integer);
            insert.Prepare();
            for (var batch = 0; batch < plan.Batches; batch++)
                plan.ForEachPoint(batch, (r, m, s, v) =>
                {
                    run.Value = runIds[r];
                    name.Value = names[m];
                    step.Value = s;
                    value.Value = v;
                    ts.Value = PointPlan.BaseTimeMs + s;
                    insert.ExecuteNonQuery();
                });
            transaction.Commit();
        }
        var elapsed = watch.Elapsed;
        var count = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM raw_points"), System.Globalization.CultureInfo.InvariantCulture);
        if (count != plan.TotalPoints) throw new InvalidOperationException($"Raw SQLite insert stored {count:N0} rows of {plan.TotalPoints:N0}.");
        return plan.TotalPoints / elapsed.TotalSeconds;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
