namespace Loom.Store.Sqlite;

public sealed class SqliteDialect : SqlDialect
{
    /// <summary>SQLite's CAST turns 'abc' into 0, so a registered function parses strictly instead.</summary>
    public override string NumberOf(string textExpression) => $"loom_number({textExpression})";
}
