using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Loom.Benchmarks;

/// <summary>
/// PostgreSQL's raw limits for one-row-per-point storage in a separate database, no HTTP, one
/// transaction: a prepared one-row INSERT per point (pipelined <see cref="Pipeline"/> statements per
/// round trip, or the network would be all it measured), and binary COPY.
/// </summary>
public static class RawPostgresInsert
{
    public const int Pipeline = 1_000;
    private const string Table = "CREATE TABLE raw_points (run_id TEXT NOT NULL, name TEXT NOT NULL, step BIGINT NOT NULL, value DOUBLE PRECISION, ts BIGINT NOT NULL)";

    public static async Task<double> PreparedAsync(string connectionString, PointPlan plan, IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        await using var connection = await OpenFreshAsync(connectionString, cancellationToken);
        var names = Enumerable.Range(0, PointPlan.Metrics).Select(PointPlan.MetricName).ToArray();
        var watch = Stopwatch.StartNew();
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            for (var i = 0; i < Pipeline; i++)
            {
                var command = new NpgsqlBatchCommand("INSERT INTO raw_points (run_id, name, step, value, ts) VALUES ($1, $2, $3, $4, $5)");
                command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text });
                command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text });
                command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint });
                command.Parameters.Add(new NpgsqlParameter<double> { NpgsqlDbType = NpgsqlDbType.Double });
                command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint });
                batch.BatchCommands.Add(command);
            }
            await batch.PrepareAsync(cancellationToken);
            var filled = 0;
            for (var b = 0; b < plan.Batches; b++)
            {
                var points = new List<(int Run, int Metric, long Step, double Value)>(plan.BatchSize);
                plan.ForEachPoint(b, (r, m, s, v) => points.Add((r, m, s, v)));
                foreach (var (r, m, s, v) in points)
                {
                    var parameters = batch.BatchCommands[filled].Parameters;
                    ((NpgsqlParameter<string>)parameters[0]).TypedValue = runIds[r];
                    ((NpgsqlParameter<string>)parameters[1]).TypedValue = names[m];
                    ((NpgsqlParameter<long>)parameters[2]).TypedValue = s;
                    ((NpgsqlParameter<double>)parameters[3]).TypedValue = v;
                    ((NpgsqlParameter<long>)parameters[4]).TypedValue = PointPlan.BaseTimeMs + s;
                    if (++filled == Pipeline)
                    {
                        await batch.ExecuteNonQueryAsync(cancellationToken);
                        filled = 0;
                    }
                }
            }
            if (filled != 0) throw new InvalidOperationException($"The plan's points must be a multiple of {Pipeline}.");
            await transaction.CommitAsync(cancellationToken);
        }
        return await RateAsync(connection, plan, watch, cancellationToken);
    }

    public static async Task<double> BinaryCopyAsync(string connectionString, PointPlan plan, IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        await using var connection = await OpenFreshAsync(connectionString, cancellationToken);
        var names = Enumerable.Range(0, PointPlan.Metrics).Select(PointPlan.MetricName).ToArray();
        var watch = Stopwatch.StartNew();
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var import = await connection.BeginBinaryImportAsync("COPY raw_points (run_id, name, step, value, ts) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                for (var b = 0; b < plan.Batches; b++)
                {
                    var points = new List<(int Run, int Metric, long Step, double Value)>(plan.BatchSize);
                    plan.ForEachPoint(b, (r, m, s, v) => points.Add((r, m, s, v)));
                    foreach (var (r, m, s, v) in points)
                    {
                        await import.StartRowAsync(cancellationToken);
                        await import.WriteAsync(runIds[r], NpgsqlDbType.Text, cancellationToken);
                        await import.WriteAsync(names[m], NpgsqlDbType.Text, cancellationToken);
                        await import.WriteAsync(s, NpgsqlDbType.Bigint, cancellationToken);
                        await import.WriteAsync(v, NpgsqlDbType.Double, cancellationToken);
                        await import.WriteAsync(PointPlan.BaseTimeMs + s, NpgsqlDbType.Bigint, cancellationToken);
                    }
                }
                await import.CompleteAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return await RateAsync(connection, plan, watch, cancellationToken);
    }

    private static async Task<NpgsqlConnection> OpenFreshAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DROP TABLE IF EXISTS raw_points; " + Table, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private static async Task<double> RateAsync(NpgsqlConnection connection, PointPlan plan, Stopwatch watch, CancellationToken cancellationToken)
    {
        var elapsed = watch.Elapsed;
        await using var count = new NpgsqlCommand("SELECT count(*) FROM raw_points", connection);
        var rows = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        if (rows != plan.TotalPoints) throw new InvalidOperationException($"Raw PostgreSQL insert stored {rows:N0} rows of {plan.TotalPoints:N0}.");
        return plan.TotalPoints / elapsed.TotalSeconds;
    }
}
