using System.Net;
using Loom.Contracts;
using Loom.Core.Serving;
using Loom.Server;
using Loom.Serving;
using Loom.TestKit;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Loom.Tests.Serving;

/// <summary>
/// A server configured with an OTLP endpoint exports its ASP.NET Core spans and metrics and Loom's scoring span and metrics to it (here
/// a collector on 127.0.0.1 that keeps what it gets); a server without one registers no OpenTelemetry at all.
/// </summary>
public sealed class OpenTelemetryTests : ServingApiTestBase
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private OtlpReceiver? _collector;

    private OtlpReceiver Collector => _collector ?? throw new InvalidOperationException("Not started.");

    protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null);

    protected override async Task StartingAsync() => _collector = await OtlpReceiver.StartAsync();

    protected override void Configure(ServerOptions options)
    {
        options.Otlp = OtlpTarget.From(Collector.Url.ToString(), "http/protobuf");
        // OpenTelemetry's own settings, read from the configuration: export every 200 ms rather than every 5 s and 60 s.
        options.Settings = new Dictionary<string, string?>(options.Settings) { ["OTEL_BSP_SCHEDULE_DELAY"] = "200", ["OTEL_METRIC_EXPORT_INTERVAL"] = "200" };
    }

    protected override async Task StoppedAsync()
    {
        if (_collector is not null) await _collector.DisposeAsync();
    }

    [Fact]
    public async Task A_scoring_call_is_exported_as_a_span_and_in_the_scoring_metrics()
    {
        await Deployed("otel-iris");
        var key = (await Keys("otel-iris")).PrimaryKey;
        await HttpAssert.Status(HttpStatusCode.OK, await Score("otel-iris", "{\"data\": [1]}", key));
        await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Score("otel-iris", "{\"data\": [1]}", "wrong"));

        Assert.True(await Collector.WaitForAsync("traces", Bound, ScoringInstruments.SpanName, "otel-iris", "blue"),
            $"no exported span named {ScoringInstruments.SpanName} for otel-iris; traces received: {Collector.Received("traces").Count}");
        // The server's own span of the call, from the ASP.NET Core instrumentation.
        Assert.True(await Collector.WaitForAsync("traces", Bound, "/endpoints/{ws}/{name}/score"), "no ASP.NET Core server span was exported");
        Assert.True(await Collector.WaitForAsync("metrics", Bound, ScoringInstruments.RequestsName, ScoringInstruments.DurationName, "otel-iris"),
            $"no scoring metrics exported; metrics received: {Collector.Received("metrics").Count}");
        Assert.True(await Collector.WaitForAsync("metrics", Bound, "http.server.request.duration"), "no ASP.NET Core metrics were exported");
        Assert.NotNull(Server.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task Without_an_otlp_endpoint_nothing_is_registered_and_scoring_still_works()
    {
        await using var plain = await ServingTestServer.StartAsync(null);
        Assert.Null(plain.Services.GetService<TracerProvider>());
        Assert.Null(plain.Services.GetService<MeterProvider>());
        // The scoring instruments are there, with nothing listening.
        Assert.NotNull(plain.Services.GetService<ScoringInstruments>());
    }

    [Fact]
    public void The_endpoint_comes_from_the_option_else_loom_or_otel_variables_and_bad_values_are_refused()
    {
        using var data = new TempDirectory();
        var env = new Dictionary<string, string?> { ["LOOM_DATA"] = data.Path };
        Assert.Null(ServerConfiguration.Read([], env).Otlp);
        var standard = ServerConfiguration.Read([], new Dictionary<string, string?>(env) { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4318" });
        Assert.Equal((new Uri("http://collector:4318"), OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf), (standard.Otlp!.Endpoint, standard.Otlp.Protocol));
        var grpc = ServerConfiguration.Read([], new Dictionary<string, string?>(env)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4317", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
        });
        Assert.Equal(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, grpc.Otlp!.Protocol);
        var loom = ServerConfiguration.Read([], new Dictionary<string, string?>(env)
        {
            ["LOOM_OTLP_ENDPOINT"] = "http://loom-collector:4318", ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4318",
        });
        Assert.Equal("loom-collector", loom.Otlp!.Endpoint.Host);
        Assert.Equal("option", ServerConfiguration.Read(["--otlp-endpoint", "https://option:4318"], env).Otlp!.Endpoint.Host);

        Assert.Contains("http:// or https:// URL", Assert.Throws<ArgumentException>(() => ServerConfiguration.Read(["--otlp-endpoint", "collector:4318"], env)).Message);
        Assert.Throws<ArgumentException>(() => ServerConfiguration.Read(["--otlp-endpoint", "ftp://collector"], env));
        Assert.Contains("http/protobuf or grpc", Assert.Throws<ArgumentException>(() => ServerConfiguration.Read([],
            new Dictionary<string, string?>(env) { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://c:4318", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/json" })).Message);
    }
}
