using System.Globalization;
using Loom.Client;
using Loom.Contracts;

namespace Loom.Serving.Standalone;

/// <summary>
/// Keeps the scoring calls a standalone host answered and posts them in batches to the server's telemetry API
/// (<c>POST /endpoints/{name}/telemetry</c>), every <see cref="StandaloneOptions.TelemetryInterval"/> and once more when the host stops,
/// so that the endpoint's metrics count them as the server counts its own. Memory stays bounded: past
/// <see cref="StandaloneOptions.TelemetryBufferLimit"/> calls waiting (a server out of reach), the oldest are dropped and counted.
/// A batch the server could not be reached with is sent again at the next turn; one it refused (4xx) is dropped.
/// </summary>
internal sealed class TelemetryShipper(Func<EndpointTelemetryBatch, CancellationToken, Task> post, int limit, Action<string> log)
{
    /// <summary>Calls per request to the server, well under its limit of 10,000.</summary>
    public const int BatchSize = 1_000;

    private readonly Lock gate = new();
    private readonly Queue<EndpointRequestDto> waiting = new();
    private List<EndpointRequestDto>? unsent;
    private long dropped;
    private bool failing;
    private string? refusal;

    /// <summary>Calls waiting to be sent (the batch being retried included).</summary>
    public int Count
    {
        get
        {
            lock (gate) return waiting.Count + (unsent?.Count ?? 0);
        }
    }

    /// <summary>Keeps one call for the next batch; never waits.</summary>
    public void Record(EndpointRequestDto request)
    {
        lock (gate)
        {
            if (waiting.Count >= limit)
            {
                waiting.Dequeue();
                dropped++;
            }
            waiting.Enqueue(request);
        }
    }

    /// <summary>Sends what is kept every <paramref name="interval"/> until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken)) await FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: the host flushes once more itself.
        }
    }

    /// <summary>Posts what is kept, batch by batch, until it is all sent or a batch fails. Not called concurrently.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        ReportDropped();
        while ((unsent ?? Take()) is { } batch)
        {
            unsent = batch;
            try
            {
                await post(new EndpointTelemetryBatch(batch), cancellationToken);
                unsent = null;
                if (failing || refusal is not null) log(string.Create(CultureInfo.InvariantCulture, $"telemetry reaches the server again ({batch.Count} calls sent)"));
                failing = false;
                refusal = null;
            }
            catch (LoomApiException e) when (e.Status is >= 400 and < 500 and not (408 or 429))
            {
                // Sending it again would be refused again. A refusal that lasts (a token without the Contributor role) is said once.
                unsent = null;
                if (refusal != e.Code)
                    log(string.Create(CultureInfo.InvariantCulture, $"the server refused {batch.Count} telemetry calls, which are dropped: {e.Message}"));
                refusal = e.Code;
                return;
            }
            catch (Exception e) when (e is LoomApiException or HttpRequestException or IOException
                                          || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (!failing) log($"could not send telemetry to the server ({e.Message}); it is kept and sent again");
                failing = true;
                return;
            }
        }
    }

    private List<EndpointRequestDto>? Take()
    {
        lock (gate)
        {
            if (waiting.Count == 0) return null;
            var batch = new List<EndpointRequestDto>(Math.Min(BatchSize, waiting.Count));
            while (batch.Count < BatchSize && waiting.TryDequeue(out var request)) batch.Add(request);
            return batch;
        }
    }

    private void ReportDropped()
    {
        long count;
        lock (gate)
        {
            count = dropped;
            dropped = 0;
        }
        if (count > 0)
            log(string.Create(CultureInfo.InvariantCulture, $"dropped the {count} oldest telemetry calls: more than {limit} were waiting for the server"));
    }
}
