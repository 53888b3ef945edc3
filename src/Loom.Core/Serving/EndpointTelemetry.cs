using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loom.Core.Serving;

/// <summary>
/// Records scoring requests without a transaction each: <see cref="Record"/> queues a row in memory (never waiting), and a background
/// writer stores what queued as one batch once <see cref="EndpointOptions.TelemetryFlushMilliseconds"/> passed since the first row or
/// <see cref="EndpointOptions.TelemetryBatchSize"/> rows are there. It also forgets rows older than the retention, hourly.
/// </summary>
public sealed class EndpointTelemetry(IEndpointTelemetryStore store, IOptions<EndpointOptions> options, TimeProvider time, ILogger<EndpointTelemetry> logger)
    : BackgroundService
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);
    private readonly Channel<EndpointRequestRecord> _queue = Channel.CreateBounded<EndpointRequestRecord>(
        new BoundedChannelOptions(options.Value.TelemetryQueueLimit) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = false });
    private long _dropped;

    /// <summary>Queues a request's row; when the queue is full (the database far behind) the row is dropped and counted.</summary>
    public void Record(EndpointRequestRecord row)
    {
        if (!_queue.Writer.TryWrite(row)) Interlocked.Increment(ref _dropped);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var size = Math.Max(1, options.Value.TelemetryBatchSize);
        var wait = TimeSpan.FromMilliseconds(Math.Max(1, options.Value.TelemetryFlushMilliseconds));
        var batch = new List<EndpointRequestRecord>(size);
        var nextPrune = time.GetUtcNow();
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var deadline = time.GetTimestamp() + (long)(wait.TotalSeconds * time.TimestampFrequency);
                while (true)
                {
                    while (batch.Count < size && reader.TryRead(out var row)) batch.Add(row);
                    var left = time.GetElapsedTime(time.GetTimestamp(), deadline);
                    if (batch.Count >= size || left <= TimeSpan.Zero) break;
                    var more = reader.WaitToReadAsync(stoppingToken).AsTask();
                    if (await Task.WhenAny(more, Task.Delay(left, time, stoppingToken)) != more || !await more) break;
                }
                await WriteAsync(batch, stoppingToken);
                if (time.GetUtcNow() >= nextPrune)
                {
                    nextPrune = time.GetUtcNow() + PruneEvery;
                    await PruneAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Stopping: what is still queued is written before the server goes.
        while (reader.TryRead(out var row)) batch.Add(row);
        await WriteAsync(batch, CancellationToken.None);
    }

    private async Task WriteAsync(List<EndpointRequestRecord> batch, CancellationToken cancellationToken)
    {
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0) ServingLog.TelemetryDropped(logger, dropped);
        if (batch.Count == 0) return;
        try { await store.InsertAsync(batch, cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ServingLog.TelemetryWriteFailed(logger, batch.Count, e);
        }
        catch (OperationCanceledException)
        {
            // Stopping mid-write: the rows are written once more, without the token, after the loop.
            return;
        }
        batch.Clear();
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.TelemetryRetentionDays;
        try
        {
            var pruned = await store.PruneAsync((time.GetUtcNow() - TimeSpan.FromDays(days)).ToUnixTimeMilliseconds(), cancellationToken);
            if (pruned > 0) ServingLog.TelemetryPruned(logger, pruned, days);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ServingLog.TelemetryWriteFailed(logger, 0, e);
        }
    }
}
