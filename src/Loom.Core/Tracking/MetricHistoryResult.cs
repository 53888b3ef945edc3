using System.Reflection;
using System.Text.Json;
using Loom.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Loom.Core.Tracking;

/// <summary>
/// Streams a metric's history as JSON straight to the response, so a million points never sit in
/// memory as objects: <c>{"name", "kind", "count", "points": [{"step", "value", "timestamp"}]}</c>.
/// </summary>
public sealed class MetricHistoryResult(MetricInfo metric, int? maxPoints, MetricService metrics) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var cancellationToken = httpContext.RequestAborted;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartObject();
        writer.WriteString("name", metric.Name);
        writer.WriteString("kind", metric.Kind);
        writer.WriteNumber("count", metric.Count);
        writer.WriteStartArray("points");
        if (metric.Kind == MetricKinds.Scalar)
        {
            await foreach (var point in metrics.ReadPointsAsync(metric, maxPoints, cancellationToken))
            {
                writer.WriteStartObject();
                writer.WriteNumber("step", point.Step);
                writer.WritePropertyName("value");
                WriteDouble(writer, point.Value);
                writer.WritePropertyName("timestamp");
                UtcTimeConverter.WriteUtc(writer, DateTime.UnixEpoch.AddMilliseconds(point.TimeMs));
                writer.WriteEndObject();
                if (writer.BytesPending > 32 * 1024) await writer.FlushAsync(cancellationToken);
            }
        }
        else
        {
            await foreach (var row in metrics.ReadRowsAsync(metric, cancellationToken))
            {
                writer.WriteStartObject();
                writer.WriteNumber("step", row.Step);
                writer.WritePropertyName("value");
                writer.WriteRawValue(row.Json, skipInputValidation: true);
                writer.WritePropertyName("timestamp");
                UtcTimeConverter.WriteUtc(writer, DateTime.UnixEpoch.AddMilliseconds(row.TimeMs));
                writer.WriteEndObject();
                if (writer.BytesPending > 32 * 1024) await writer.FlushAsync(cancellationToken);
            }
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>JSON has no NaN or infinities; Loom writes them as the strings "NaN", "Infinity", "-Infinity".</summary>
    public static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(200, typeof(MetricHistory), ["application/json"]));
}
