using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Loom.Core.Serving;

/// <summary>
/// What scoring tells OpenTelemetry, as <see cref="Name"/> (the meter and the activity source): a span per scoring call and, tagged with
/// workspace, endpoint, deployment and status code, a request counter and a latency histogram. Nothing listens unless the server exports
/// telemetry; then each call costs a check of a flag.
/// </summary>
public sealed class ScoringInstruments : IDisposable
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "Loom.Serving";

    /// <summary>The span of one scoring call.</summary>
    public const string SpanName = "loom.serving.score";

    public const string RequestsName = "loom.serving.requests";
    public const string DurationName = "loom.serving.request.duration";

    private readonly Meter meter;
    private readonly ActivitySource source = new(Name);
    private readonly Counter<long> requests;
    private readonly Histogram<double> duration;

    public ScoringInstruments(IMeterFactory meters)
    {
        meter = meters.Create(Name);
        requests = meter.CreateCounter<long>(RequestsName, "{request}", "Scoring calls answered, refused ones included");
        duration = meter.CreateHistogram<double>(DurationName, "s", "How long scoring calls took to answer");
    }

    /// <summary>Starts the span of a scoring call (null when nothing listens); end it with <see cref="Stop"/>.</summary>
    public Activity? Start(string workspace, string endpoint)
    {
        var activity = source.StartActivity(SpanName, ActivityKind.Internal);
        activity?.SetTag("loom.workspace", workspace).SetTag("loom.endpoint", endpoint);
        return activity;
    }

    /// <summary>Ends the span with how the call ended, and counts it.</summary>
    public void Stop(Activity? activity, ScoringCall call)
    {
        if (activity is not null)
        {
            activity.SetTag("loom.deployment", call.Deployment).SetTag("http.response.status_code", call.Status);
            if (call.Status >= 400) activity.SetStatus(ActivityStatusCode.Error, call.Error);
            activity.Dispose();
        }
        if (!requests.Enabled && !duration.Enabled) return;
        var tags = new TagList
        {
            { "loom.workspace", call.Workspace },
            { "loom.endpoint", call.Endpoint },
            { "loom.deployment", call.Deployment },
            { "http.response.status_code", call.Status },
        };
        requests.Add(1, tags);
        duration.Record(call.Elapsed.TotalSeconds, tags);
    }

    /// <summary>Stops the span source; the meter is its factory's to dispose.</summary>
    public void Dispose() => source.Dispose();
}
