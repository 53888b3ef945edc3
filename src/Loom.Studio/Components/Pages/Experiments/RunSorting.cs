using Loom.Core.Tracking;

namespace Loom.Studio.Components.Pages.Experiments;

/// <summary>What clicking a column header does to the order: sort by it, or turn its direction round when it is sorted by already.</summary>
public static class RunSorting
{
    /// <summary>True for descending, false for ascending, null when the column is not the first sort key.</summary>
    public static bool? DirectionOf(RunColumn column, IReadOnlyList<SortKey> order) =>
        order.Count > 0 && column.Field is { } field && order[0].Field == field ? order[0].Descending : null;

    /// <summary>The orderBy after a click on <paramref name="column"/>'s header.</summary>
    public static string NextOrderBy(RunColumn column, IReadOnlyList<SortKey> order) =>
        column.OrderBy(DirectionOf(column, order) is { } descending ? !descending : column.DescendingFirst);
}
