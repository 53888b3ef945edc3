using System.Globalization;
using Loom.Cli.Output;
using Loom.Contracts;

namespace Loom.Cli.Commands.Endpoints;

/// <summary>How endpoints, their keys and metrics look in tables.</summary>
internal static class EndpointViews
{
    public static TableView Table(IEnumerable<EndpointDto> endpoints) =>
        new(["Name", "Auth", "Traffic", "Deployments", "Scoring URI", "Created"],
            endpoints.Select(e => (IReadOnlyList<string>)[e.Name, e.AuthMode, Traffic(e.Traffic), string.Join(", ", e.Deployments), e.ScoringUri,
                Formats.Time(e.CreatedTime)]).ToList());

    public static IReadOnlyList<KeyValuePair<string, string>> Details(EndpointDto endpoint) =>
    [
        new("Name", endpoint.Name),
        new("Auth", endpoint.AuthMode),
        new("Scoring URI", endpoint.ScoringUri),
        new("Swagger URI", endpoint.SwaggerUri),
        new("Traffic", Traffic(endpoint.Traffic)),
        new("Deployments", string.Join(", ", endpoint.Deployments)),
        new("Description", endpoint.Description ?? ""),
        new("Tags", string.Join(", ", endpoint.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"))),
        new("Created", Formats.Time(endpoint.CreatedTime)),
    ];

    public static IReadOnlyList<KeyValuePair<string, string>> Keys(EndpointKeysDto keys) =>
        [new("Primary key", keys.PrimaryKey), new("Secondary key", keys.SecondaryKey)];

    public static IReadOnlyList<KeyValuePair<string, string>> Metrics(string endpoint, EndpointMetricsDto metrics) =>
    [
        new("Endpoint", endpoint),
        new("Window", $"{Formats.Time(metrics.From)} .. {Formats.Time(metrics.To)}"),
        new("Requests", Formats.Number(metrics.Requests)),
        new("Errors", Formats.Number(metrics.Errors)),
        new("Requests/s", metrics.RequestsPerSecond.ToString("0.###", CultureInfo.InvariantCulture)),
        new("Latency p50", Ms(metrics.LatencyMs.P50)),
        new("Latency p90", Ms(metrics.LatencyMs.P90)),
        new("Latency p99", Ms(metrics.LatencyMs.P99)),
        new("By status", string.Join(", ", metrics.ByStatus.Select(s => $"{s.Key}: {s.Value}"))),
    ];

    public static TableView ByDeployment(EndpointMetricsDto metrics) =>
        new(["Deployment", "Requests", "Errors", "p50", "p99"],
            metrics.ByDeployment.Select(d => (IReadOnlyList<string>)[d.Key, Formats.Number(d.Value.Requests), Formats.Number(d.Value.Errors),
                Ms(d.Value.P50), Ms(d.Value.P99)]).ToList(), "By deployment");

    public static TableView RecentErrors(EndpointMetricsDto metrics) =>
        new(["Time", "Deployment", "Status", "Message"],
            metrics.RecentErrors.Select(e => (IReadOnlyList<string>)[Formats.Time(e.Time), e.Deployment ?? "", Formats.Number(e.Status),
                e.Message ?? ""]).ToList(), "Recent errors");

    public static string Traffic(IReadOnlyDictionary<string, int> traffic) =>
        traffic.Count == 0 ? "none" : string.Join(", ", traffic.Select(t => $"{t.Key}={t.Value}"));

    private static string Ms(double value) => value.ToString("0.###", CultureInfo.InvariantCulture) + " ms";
}
