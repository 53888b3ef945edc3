using System.Text.Json;

namespace Loom.Contracts;

/// <summary>Metric kinds: scalar points, or rows of the other kinds stored as JSON values.</summary>
public static class MetricKinds
{
    public const string Scalar = "scalar";
    public const string List = "list";
    public const string Row = "row";
    public const string Table = "table";
    public const string Image = "image";
}

/// <summary>A scalar metric point; <see cref="Step"/> and <see cref="Timestamp"/> are filled by the server when absent.</summary>
public sealed record MetricPoint(string Name, double Value, long? Step = null, DateTimeOffset? Timestamp = null);

/// <summary>A non-scalar metric value (list, row, table or image).</summary>
public sealed record MetricRow(string Name, string Kind, JsonElement Value, long? Step = null, DateTimeOffset? Timestamp = null);

public sealed record MetricBatch(IReadOnlyList<MetricPoint>? Points = null, IReadOnlyList<MetricRow>? Rows = null);

public sealed record MetricBatchResult(int Points, int Rows);

/// <summary>The latest value of a metric and how many values it has.</summary>
public sealed record MetricSummary(string Kind, JsonElement Value, long Step, DateTimeOffset Timestamp, long Count);

public sealed record MetricHistoryPoint(long Step, JsonElement Value, DateTimeOffset Timestamp);

public sealed record MetricHistory(string Name, string Kind, long Count, IReadOnlyList<MetricHistoryPoint> Points);
