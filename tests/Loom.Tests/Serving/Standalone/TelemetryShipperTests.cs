using Loom.Client;
using Loom.Contracts;
using Loom.Serving.Standalone;
using Loom.TestKit;

namespace Loom.Tests.Serving.Standalone;

/// <summary>
/// How <c>loom serve</c> keeps the calls it answered for the server: bounded while the server is out of reach (the oldest dropped and
/// counted), all sent once it answers, a batch it refuses dropped rather than sent forever.
/// </summary>
public sealed class TelemetryShipperTests : IAsyncLifetime
{
    private LoomTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoomTestServer.StartAsync();
        await _server.Client.Endpoints.CreateAsync("default", new CreateEndpointRequest("iris"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static EndpointRequestDto Call(int latencyMs, string? deployment = null) =>
        new(DateTimeOffset.UtcNow, deployment, latencyMs, 200, 10, 20);

    [Fact]
    public async Task While_the_server_is_out_of_reach_the_newest_calls_are_kept_within_the_limit_then_sent()
    {
        // First a port nothing listens on, then the real server.
        using var nowhere = new LoomClient(new Uri($"http://127.0.0.1:{FreePort.Next()}"), _server.AdminToken, options: new LoomClientOptions { MaxAttempts = 1 });
        var client = nowhere;
        var lines = new List<string>();
        var shipper = new TelemetryShipper((batch, ct) => client.Endpoints.RecordTelemetryAsync("default", "iris", batch, ct), limit: 10, lines.Add);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        for (var i = 1; i <= 25; i++) shipper.Record(Call(i));
        await shipper.FlushAsync(bound.Token);
        Assert.Equal(10, shipper.Count);
        Assert.Contains("dropped the 15 oldest telemetry calls: more than 10 were waiting for the server", lines);
        Assert.Contains(lines, l => l.StartsWith("could not send telemetry to the server", StringComparison.Ordinal));

        client = _server.Client;
        await shipper.FlushAsync(bound.Token);
        Assert.Equal(0, shipper.Count);
        Assert.Contains("telemetry reaches the server again (10 calls sent)", lines);
        EndpointMetricsDto metrics;
        do metrics = await _server.Client.Endpoints.GetMetricsAsync("default", "iris", 60, bound.Token);
        while (metrics.Requests < 10 && !bound.IsCancellationRequested);
        // The newest ten: latencies 16 to 25 (nearest-rank p50 20, p99 25).
        Assert.Equal((10L, 20.0, 25.0), (metrics.Requests, metrics.LatencyMs.P50, metrics.LatencyMs.P99));
    }

    [Fact]
    public async Task A_batch_the_server_refuses_is_dropped_and_said_so_once()
    {
        var lines = new List<string>();
        var shipper = new TelemetryShipper((batch, ct) => _server.Client.Endpoints.RecordTelemetryAsync("default", "iris", batch, ct), limit: 100, lines.Add);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        shipper.Record(Call(1, deployment: "gone"));
        await shipper.FlushAsync(bound.Token);
        Assert.Equal(0, shipper.Count);
        var refused = Assert.Single(lines);
        Assert.StartsWith("the server refused 1 telemetry calls, which are dropped", refused);
        Assert.Contains("'gone'", refused);
        // The same refusal again is not said again; a batch it takes is.
        shipper.Record(Call(2, deployment: "gone"));
        await shipper.FlushAsync(bound.Token);
        Assert.Single(lines);
        shipper.Record(Call(3));
        await shipper.FlushAsync(bound.Token);
        Assert.Equal("telemetry reaches the server again (1 calls sent)", lines[^1]);
    }
}
