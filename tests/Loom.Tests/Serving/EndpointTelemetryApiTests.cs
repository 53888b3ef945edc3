using System.Net;
using System.Net.Http.Headers;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Serving;

/// <summary>
/// <c>POST /endpoints/{name}/telemetry</c>, where standalone hosts send the calls they answered: counted in the endpoint's metrics like the
/// server's own, checked whole (a bad call anywhere stores nothing), Contributors only. Subclassed per provider in Api/Providers.cs.
/// </summary>
public abstract class EndpointTelemetryApiTests : ServingApiTestBase
{
    private const string Telemetry = Endpoints + "/iris/telemetry";

    private static object Call(DateTimeOffset time, string? deployment = "blue", double latencyMs = 12.5, int status = 200, long requestBytes = 30,
        long responseBytes = 40, string? error = null) =>
        new { time, deployment, latencyMs, status, requestBytes, responseBytes, error };

    private async Task<EndpointMetricsDto> MetricsWhenAsync(Func<EndpointMetricsDto, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var metrics = await Get<EndpointMetricsDto>($"{Endpoints}/iris/metrics?minutes=60");
            if (condition(metrics) || DateTime.UtcNow > deadline) return metrics;
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Calls_sent_by_a_standalone_host_count_in_the_endpoints_metrics()
    {
        await Deployed();
        var now = DateTimeOffset.UtcNow;
        var accepted = await HttpAssert.Json<EndpointTelemetryAcceptedDto>(HttpStatusCode.Accepted, await Post(Telemetry, new
        {
            requests = new[]
            {
                Call(now.AddSeconds(-3)), Call(now.AddSeconds(-2), latencyMs: 30),
                Call(now.AddSeconds(-1), status: 400, error: "data: expected a list of rows of 4 numbers each"),
                Call(now, deployment: null, status: 401, error: "no key"),
            },
        }));
        Assert.Equal(4, accepted.Accepted);

        var metrics = await MetricsWhenAsync(m => m.Requests >= 4);
        Assert.Equal((4L, 2L), (metrics.Requests, metrics.Errors));
        Assert.Equal(3, metrics.ByDeployment["blue"].Requests);
        Assert.Equal((2L, 1L, 1L), (metrics.ByStatus["200"], metrics.ByStatus["400"], metrics.ByStatus["401"]));
        Assert.Contains(metrics.RecentErrors, e => e is { Status: 400, Deployment: "blue", Message: "data: expected a list of rows of 4 numbers each" });
        Assert.Equal(0, (await HttpAssert.Json<EndpointTelemetryAcceptedDto>(HttpStatusCode.Accepted, await Post(Telemetry, new { requests = Array.Empty<object>() }))).Accepted);
    }

    [Fact]
    public async Task Bad_telemetry_is_400_and_stores_none_of_its_batch()
    {
        await Deployed();
        var now = DateTimeOffset.UtcNow;
        object[] bad =
        [
            Call(now, deployment: "green"), Call(now, status: 42), Call(now, status: 600), Call(now, latencyMs: -1), Call(now, latencyMs: 1e12),
            Call(now.AddHours(1)), Call(now.AddDays(-40)), Call(default), Call(now, requestBytes: -1), Call(now, responseBytes: -5),
            Call(now, error: new string('e', 1_001)),
        ];
        foreach (var call in bad)
        {
            // The good call before the bad one is not stored either.
            await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post(Telemetry, new { requests = new[] { Call(now), call } }));
        }
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post(Telemetry, new { }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post(Telemetry, new { requests = new object?[] { null } }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson,
            await Http.PostAsync(Telemetry, new StringContent("{\"requests\": [", null, "application/json")));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson,
            await Http.PostAsync(Telemetry, new StringContent("{\"requests\": [{\"status\": \"ok\"}]}", null, "application/json")));
        await HttpAssert.Problem(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.BatchTooLarge,
            await Post(Telemetry, new { requests = Enumerable.Repeat(Call(now), 10_001).ToArray() }));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EndpointNotFound, await Post($"{Endpoints}/nowhere/telemetry", new { requests = new[] { Call(now) } }));

        // Recording is a write: a Reader may not.
        var reader = await Server.Client.Tokens.CreateAsync(new CreateTokenRequest("reader", "default", Role.Reader));
        using var readerHttp = Server.NewHttp(reader.Token);
        await HttpAssert.Problem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden,
            await readerHttp.PostAsync(Telemetry, new StringContent("{\"requests\": []}", new MediaTypeHeaderValue("application/json"))));

        // A good batch after them is all there is.
        await HttpAssert.Status(HttpStatusCode.Accepted, await Post(Telemetry, new { requests = new[] { Call(now, latencyMs: 7) } }));
        var metrics = await MetricsWhenAsync(m => m.Requests >= 1);
        // The writer keeps the order calls came in: once the good batch is written, anything queued before it would be too.
        Assert.Equal(1, metrics.Requests);
        Assert.Equal(7, metrics.LatencyMs.P50);
    }
}
