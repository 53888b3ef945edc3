using System.Data.Common;

namespace Loom.Store;

/// <summary>A metric block row as written: summary columns plus the packed points.</summary>
public sealed record BlockRow(long MetricId, long Seq, int Count, long FirstStep, long LastStep,
    double MinValue, long MinStep, long MinMs, int MinIndex, double MaxValue, long MaxStep, long MaxMs, int MaxIndex, byte[] Data);

/// <summary>A non-scalar metric value as written.</summary>
public sealed record RowValueRow(long MetricId, long Seq, long Step, long TimeMs, string Value);

/// <summary>Each provider's fastest way to insert many rows inside a write transaction.</summary>
public interface IBulkWriter
{
    Task InsertBlocksAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<BlockRow> rows, CancellationToken cancellationToken);
    Task InsertRowValuesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<RowValueRow> rows, CancellationToken cancellationToken);

    /// <summary>Endpoint request telemetry: thousands a second under load, so it takes the bulk path too.</summary>
    Task InsertEndpointRequestsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Core.Serving.EndpointRequestRecord> rows,
        CancellationToken cancellationToken);
}
