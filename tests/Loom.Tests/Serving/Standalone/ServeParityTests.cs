using System.Net;
using System.Text.Json;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Serving.Standalone;

/// <summary>
/// <c>loom serve</c> runs a deployment as the server's own host does: its workers get the deployment's variables, its proof scores the
/// deployment's sample request before it serves, a body that is not the declared input is 400, and every call it answers reaches the
/// endpoint's telemetry on the server (while it runs and when it stops).
/// </summary>
public sealed class ServeParityTests : ServeTestBase
{
    private const string Script = """
        import os
        from inference_schema.schema_decorators import input_schema
        from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType

        state = None


        def init():
            global state
            state = "initialized"


        @input_schema("data", StandardPythonParameterType([1.0]))
        @input_schema("tag", StandardPythonParameterType("x"), optional=True)
        def run(data, tag=None):
            global state
            if tag == "the-sample":
                state = "sampled"
            return {"state": state, "mode": os.environ["MODE"], "sum": sum(data)}
        """;

    [Fact]
    public async Task Loom_serve_proves_with_the_sample_runs_with_the_variables_and_reports_every_call_to_the_server()
    {
        var deployed = await DeployAsync("iris", Script, deployment: new CreateDeploymentRequest("blue", [],
            SampleRequest: """{"data": [1, 2], "tag": "the-sample"}""", Variables: new Dictionary<string, string> { ["MODE"] = "fast" }));
        Assert.True(deployed.State == DeploymentStates.Succeeded, $"{deployed.Error}\n{deployed.InitLog}");
        // What loom serve reads of the deployment: its sample request and variables.
        Assert.Equal(("""{"data": [1, 2], "tag": "the-sample"}""", "fast"), (deployed.SampleRequest, deployed.Variables!["MODE"]));
        var key = (await Server.Client.Endpoints.GetKeysAsync("default", "iris")).PrimaryKey;

        await ServingAsync("iris/blue", async (http, bound) =>
        {
            // One worker: it answered the sample in this host's proof before anything else, and it has the deployment's variable.
            var first = await HttpAssert.Status(HttpStatusCode.OK, await Post(http, """{"data": [1, 2, 3]}""", key));
            using (var answer = JsonDocument.Parse(await first.Content.ReadAsStringAsync(bound)))
            {
                Assert.Equal("sampled", answer.RootElement.GetProperty("state").GetString());
                Assert.Equal("fast", answer.RootElement.GetProperty("mode").GetString());
                Assert.Equal(6, answer.RootElement.GetProperty("sum").GetDouble());
            }
            await HttpAssert.Status(HttpStatusCode.OK, await Post(http, """{"data": [4]}""", key));
            var notJson = await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidScoringInput, await Post(http, "data=4", key));
            Assert.Contains("the request body is not JSON", notJson.Detail);
            var wrongType = await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidScoringInput, await Post(http, """{"data": "four"}""", key));
            Assert.EndsWith("data: expected a list, got a string", wrongType.Detail);
            await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Post(http, """{"data": [4]}""", null));
            // The worker goes on after the bad input.
            await HttpAssert.Status(HttpStatusCode.OK, await Post(http, """{"data": [5]}""", key));

            // Six calls, sent by the host while it runs.
            var metrics = await MetricsWhenAsync(m => m.Requests >= 6, bound);
            Assert.Equal((6L, 3L), (metrics.Requests, metrics.Errors));
            Assert.Equal(6, metrics.ByDeployment["blue"].Requests);
            Assert.Equal((3L, 2L, 1L), (metrics.ByStatus["200"], metrics.ByStatus["400"], metrics.ByStatus["401"]));
            Assert.Contains(metrics.RecentErrors, e => e.Status == 400 && e.Message!.Contains("expected a list, got a string", StringComparison.Ordinal));

            // Calls answered just before a stop are sent as it stops.
            for (var i = 0; i < 3; i++) await HttpAssert.Status(HttpStatusCode.OK, await Post(http, """{"data": [1]}""", key));
        }, new Dictionary<string, string> { ["LOOM_SERVE_TELEMETRY_SECONDS"] = "0.2" });
        using var afterStop = new CancellationTokenSource(Bound);
        Assert.Equal(9, (await MetricsWhenAsync(m => m.Requests >= 9, afterStop.Token)).Requests);
    }

    /// <summary>The endpoint's metrics once <paramref name="condition"/> holds, or as they are when the bound is reached.</summary>
    private async Task<EndpointMetricsDto> MetricsWhenAsync(Func<EndpointMetricsDto, bool> condition, CancellationToken bound)
    {
        while (true)
        {
            var metrics = await Server.Client.Endpoints.GetMetricsAsync("default", "iris", 60, bound);
            if (condition(metrics) || bound.IsCancellationRequested) return metrics;
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
