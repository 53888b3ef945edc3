namespace Loom.Core.Serving;

/// <summary>How endpoints are served and their telemetry kept; bound from the <c>Endpoints</c> section (the host has its own <c>Serving</c> section).</summary>
public sealed class EndpointOptions
{
    /// <summary>How long telemetry rows wait in memory before they are written together. Default: 200 ms.</summary>
    public int TelemetryFlushMilliseconds { get; set; } = 200;

    /// <summary>Rows written in one batch at most; a full batch is written without waiting. Default: 1,000.</summary>
    public int TelemetryBatchSize { get; set; } = 1000;

    /// <summary>Rows held in memory at most when the database falls behind; beyond it rows are dropped (and counted in the log). Default: 100,000.</summary>
    public int TelemetryQueueLimit { get; set; } = 100_000;

    /// <summary>How long request telemetry is kept. Default: 30 days.</summary>
    public int TelemetryRetentionDays { get; set; } = 30;

    /// <summary>
    /// How long a scoring call trusts what it read of an endpoint (keys, traffic). Changes made through this server apply at once;
    /// this bounds how late another replica's changes apply. Default: 5 s.
    /// </summary>
    public double EndpointCacheSeconds { get; set; } = 5;

    /// <summary>How often deployments this server started are checked against the store and stopped when gone. Default: 30 s.</summary>
    public double ReconcileSeconds { get; set; } = 30;

    /// <summary>The largest scoring request body. Default: 32 MiB.</summary>
    public int MaxRequestBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// Telemetry rows a metrics query reads at most (the newest of its window), which bounds its memory (~40 bytes a row).
    /// Default: 500,000.
    /// </summary>
    public int MetricsMaxRows { get; set; } = 500_000;
}
