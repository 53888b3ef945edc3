namespace Loom.Store.Postgres;

public sealed class PostgresDialect : SqlDialect
{
    /// <summary>A cast only when the text is a number, so a non-numeric value compares as missing instead of failing the query.</summary>
    public override string ForUpdate => " FOR UPDATE";

    public override string RefreshStatistics => "ANALYZE runs, run_values, metrics, metric_blocks";

    /// <summary>Dapper passes lists to Npgsql as arrays.</summary>
    public override string AnyOf(string column, string listParameter) => $"{column} = ANY({listParameter})";

    public override string NumberOf(string textExpression) =>
        $"(CASE WHEN {textExpression} ~ '^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$' THEN CAST({textExpression} AS DOUBLE PRECISION) END)";
}
