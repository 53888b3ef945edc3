using Loom.Client.Http;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>Metrics of a run: batches in, latest values and history out.</summary>
public sealed class MetricsClient
{
    private readonly LoomHttp http;

    internal MetricsClient(LoomHttp http) => this.http = http;

    /// <summary>
    /// Logs a batch (at most 10,000 points and rows) under <c>idempotencyKey</c>, or a new key when null;
    /// retries reuse the key, so a batch is never stored twice.
    /// </summary>
    public Task<MetricBatchResult> LogAsync(string workspace, string runId, MetricBatch batch, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<MetricBatchResult>(HttpMethod.Post, $"{ApiPaths.Run(workspace, runId)}/metrics", batch,
            idempotencyKey ?? Guid.NewGuid().ToString("N"), retryable: true, cancellationToken);

    /// <summary>The latest value of every metric of the run, keyed by name.</summary>
    public async Task<IReadOnlyDictionary<string, MetricSummary>> GetLatestAsync(string workspace, string runId,
        CancellationToken cancellationToken = default) =>
        await http.GetAsync<Dictionary<string, MetricSummary>>($"{ApiPaths.Run(workspace, runId)}/metrics", cancellationToken);

    /// <summary>A metric's values in logged order; with <paramref name="maxPoints"/>, downsampled keeping each bucket's min and max.</summary>
    public Task<MetricHistory> GetHistoryAsync(string workspace, string runId, string name, int? maxPoints = null,
        CancellationToken cancellationToken = default) =>
        http.GetAsync<MetricHistory>(ApiPaths.WithQuery($"{ApiPaths.Run(workspace, runId)}/metrics/{ApiPaths.Escape(name)}/history",
            ("maxPoints", maxPoints)), cancellationToken);
}
