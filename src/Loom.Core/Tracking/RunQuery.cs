namespace Loom.Core.Tracking;

/// <summary>What a run field refers to: a run attribute or an entry of one of its maps.</summary>
public enum FieldKind { Attribute, Metric, Param, Tag, Property }

/// <summary>A field of a run named in a filter or sort: <c>status</c>, <c>metrics.acc</c>, <c>tags.stage</c>…</summary>
public sealed record FieldRef(FieldKind Kind, string Name)
{
    /// <summary>Attributes whose values are times (compared as milliseconds since the epoch).</summary>
    public bool IsTime => Kind == FieldKind.Attribute && Name is "startTime" or "endTime" or "createdTime";

    /// <summary>True when the field is compared as a number.</summary>
    public bool IsNumeric => Kind == FieldKind.Metric || IsTime;

    public override string ToString() => Kind switch
    {
        FieldKind.Attribute => Name,
        FieldKind.Metric => "metrics." + Name,
        FieldKind.Param => "params." + Name,
        FieldKind.Tag => "tags." + Name,
        _ => "properties." + Name,
    };
}

public enum FilterOp { Eq, Ne, Lt, Le, Gt, Ge, In }

/// <summary>A value in a filter: a number or a string.</summary>
public sealed record FilterValue(double? Number, string? Text)
{
    public override string ToString() => Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? $"'{Text}'";
}

public sealed record FilterClause(FieldRef Field, FilterOp Op, IReadOnlyList<FilterValue> Values);

public sealed record SortKey(FieldRef Field, bool Descending);

/// <summary>Where the previous page ended: the last run's sort values and its sequence number.</summary>
public sealed record PageCursor(IReadOnlyList<object?> Values, long Seq);

/// <summary>A parsed run search.</summary>
public sealed record RunQuery(
    string? Experiment,
    string? ParentRunId,
    bool TopLevelOnly,
    IReadOnlyList<FilterClause> Filters,
    IReadOnlyList<SortKey> Order,
    int PageSize,
    PageCursor? After,
    string Fingerprint);
