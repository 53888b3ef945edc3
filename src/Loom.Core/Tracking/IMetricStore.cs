using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Tracking;

/// <summary>The values of one metric in a batch, in logged order; a null step means "next".</summary>
public sealed class ScalarSeries(string name)
{
    public string Name { get; } = name;
    public List<long?> Steps { get; } = [];
    public List<double> Values { get; } = [];
    public List<long> TimesMs { get; } = [];
}

/// <summary>Non-scalar values of one metric in a batch: JSON text each.</summary>
public sealed class RowSeries(string name, string kind)
{
    public string Name { get; } = name;
    public string Kind { get; } = kind;
    public List<(long? Step, string Json, long TimeMs)> Values { get; } = [];
}

/// <summary>A stored metric: its id, kind and how many values it has.</summary>
public sealed record MetricInfo(long Id, string Name, string Kind, long Count);

public sealed record StoredRow(long Step, string Json, long TimeMs);

public interface IMetricStore
{
    /// <summary>Appends a batch atomically; an idempotent replay stores nothing and returns the first answer.</summary>
    Task<MetricBatchResult> AppendAsync(long workspaceId, long runSeq, IReadOnlyList<ScalarSeries> scalars, IReadOnlyList<RowSeries> rows,
        IdempotentRequest? idempotency, long nowMs, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, MetricSummary>> LatestAsync(long runSeq, CancellationToken cancellationToken);
    Task<MetricInfo?> FindAsync(long runSeq, string name, CancellationToken cancellationToken);

    /// <summary>The metric's blocks in logged order, with their points only when <paramref name="withData"/>.</summary>
    IAsyncEnumerable<MetricBlock> ReadBlocksAsync(long metricId, bool withData, CancellationToken cancellationToken);

    IAsyncEnumerable<StoredRow> ReadRowsAsync(long metricId, CancellationToken cancellationToken);
}
