namespace Loom.Store.Sqlite;

public sealed class SqliteDialect : SqlDialect
{
    /// <summary>SQLite's CAST turns 'abc' into 0, so a registered function parses strictly instead.</summary>
    /// <summary>SQLite writes one transaction at a time (and Loom takes its write lock first), so reads inside a write are already exclusive.</summary>
    public override string ForUpdate => "";

    public override string RefreshStatistics => "PRAGMA optimize";

    /// <summary>Dapper expands <c>IN @list</c> into one parameter per value.</summary>
    public override string AnyOf(string column, string listParameter) => $"{column} IN {listParameter}";

    public override string NumberOf(string textExpression) => $"loom_number({textExpression})";
}
