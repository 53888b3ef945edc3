using System.Runtime.CompilerServices;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Tracking;

namespace Loom.Tests.Studio;

/// <summary>The server's metric store with a hook before each read of a metric's points or rows: a test holds a read to see what shows meanwhile.</summary>
public sealed class HookedMetricStore(IMetricStore inner) : IMetricStore
{
    public Func<long, CancellationToken, Task>? BeforeRead { get; set; }

    public Task<MetricBatchResult> AppendAsync(long workspaceId, long runSeq, IReadOnlyList<ScalarSeries> scalars, IReadOnlyList<RowSeries> rows,
        IdempotentRequest? idempotency, long nowMs, CancellationToken cancellationToken) =>
        inner.AppendAsync(workspaceId, runSeq, scalars, rows, idempotency, nowMs, cancellationToken);

    public Task<IReadOnlyDictionary<string, MetricSummary>> LatestAsync(long runSeq, CancellationToken cancellationToken) =>
        inner.LatestAsync(runSeq, cancellationToken);

    public Task<MetricInfo?> FindAsync(long runSeq, string name, CancellationToken cancellationToken) => inner.FindAsync(runSeq, name, cancellationToken);

    public async IAsyncEnumerable<MetricBlock> ReadBlocksAsync(long metricId, bool withData, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (BeforeRead is { } hook) await hook(metricId, cancellationToken);
        await foreach (var block in inner.ReadBlocksAsync(metricId, withData, cancellationToken)) yield return block;
    }

    public async IAsyncEnumerable<StoredRow> ReadRowsAsync(long metricId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (BeforeRead is { } hook) await hook(metricId, cancellationToken);
        await foreach (var row in inner.ReadRowsAsync(metricId, cancellationToken)) yield return row;
    }
}
