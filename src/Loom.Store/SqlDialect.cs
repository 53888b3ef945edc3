namespace Loom.Store;

/// <summary>The few SQL differences between providers that the shared store's queries need.</summary>
public abstract class SqlDialect
{
    /// <summary>An expression turning a text expression into a number, or NULL when it is not one.</summary>
    public abstract string NumberOf(string textExpression);

    /// <summary>
    /// The clause that locks the rows a SELECT reads until the transaction ends, so concurrent writers
    /// to the same run, metric or log queue up. Empty where the database has one writer at a time.
    /// </summary>
    public abstract string ForUpdate { get; }

    /// <summary>The statement that refreshes the planner's statistics.</summary>
    public abstract string RefreshStatistics { get; }

    /// <summary>A test that <paramref name="column"/> is one of the values of a list parameter.</summary>
    public abstract string AnyOf(string column, string listParameter);
}
