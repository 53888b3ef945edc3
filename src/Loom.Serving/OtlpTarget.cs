using OpenTelemetry.Exporter;

namespace Loom.Serving;

/// <summary>
/// Where OpenTelemetry data goes: an OTLP collector's base URL (signals are posted to <c>/v1/traces</c> and <c>/v1/metrics</c> below it
/// with http/protobuf) and the protocol, <c>http/protobuf</c> (the default) or <c>grpc</c>, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> name them.
/// </summary>
public sealed record OtlpTarget(Uri Endpoint, OtlpExportProtocol Protocol)
{
    /// <summary>The standard variable naming the collector.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The standard variable naming the protocol.</summary>
    public const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>
    /// The target of <paramref name="endpoint"/> and <paramref name="protocol"/>, or null when no endpoint is given (nothing is exported);
    /// throws <see cref="ArgumentException"/> saying what is wrong with either.
    /// </summary>
    public static OtlpTarget? From(string? endpoint, string? protocol)
    {
        if (string.IsNullOrWhiteSpace(endpoint)) return null;
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.UserInfo))
            throw new ArgumentException($"the OTLP endpoint must be an http:// or https:// URL such as http://127.0.0.1:4318, not '{endpoint}'");
        var kind = protocol?.Trim().ToLowerInvariant() switch
        {
            null or "" or "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            "grpc" => OtlpExportProtocol.Grpc,
            _ => throw new ArgumentException($"the OTLP protocol must be http/protobuf or grpc, not '{protocol}'"),
        };
        return new OtlpTarget(uri, kind);
    }
}
