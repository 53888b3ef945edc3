using System.Net;
using Loom.Contracts;
using Loom.Core.Serving;
using Loom.TestKit;

namespace Loom.Tests.Serving.Standalone;

/// <summary><c>loom serve</c> given OpenTelemetry's standard variables exports its scoring spans and metrics as the server does.</summary>
public sealed class ServeOpenTelemetryTests : ServeTestBase
{
    private const string Script = "def init():\n    pass\n\ndef run(raw_data):\n    return {\"echo\": raw_data}\n";

    [Fact]
    public async Task Loom_serve_with_OTEL_EXPORTER_OTLP_ENDPOINT_exports_its_scoring_span_and_metrics()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        var deployed = await DeployAsync("serve-otel", Script);
        Assert.True(deployed.State == DeploymentStates.Succeeded, $"{deployed.Error}\n{deployed.InitLog}");
        var key = (await Server.Client.Endpoints.GetKeysAsync("default", "serve-otel")).PrimaryKey;

        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url.ToString(),
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        };
        await ServingAsync("serve-otel/blue", async (http, _) =>
        {
            await HttpAssert.Status(HttpStatusCode.OK, await Post(http, "{\"data\": 1}", key));
            Assert.True(await collector.WaitForAsync("traces", Bound, ScoringInstruments.SpanName, "serve-otel", "loom-serve"),
                $"no scoring span from loom serve; traces received: {collector.Received("traces").Count}");
            Assert.True(await collector.WaitForAsync("metrics", Bound, ScoringInstruments.RequestsName, ScoringInstruments.DurationName, "serve-otel"),
                $"no scoring metrics from loom serve; metrics received: {collector.Received("metrics").Count}");
        }, environment);
    }

    [Fact]
    public async Task A_malformed_otlp_endpoint_is_a_usage_error()
    {
        var result = await Cli().RunAsync("serve", "--deployment", "any/blue", "--url", Server.Url.ToString(), "--token", Server.AdminToken,
            "--otlp-endpoint", "not a url");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("http:// or https:// URL", result.Stderr);
    }
}
