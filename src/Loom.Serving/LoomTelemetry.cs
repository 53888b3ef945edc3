using System.Reflection;
using Loom.Core.Serving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Loom.Serving;

/// <summary>OpenTelemetry for <c>loom server</c> and <c>loom serve</c>: registered only when there is somewhere to export to.</summary>
public static class LoomTelemetry
{
    /// <summary>
    /// With a <paramref name="target"/>, exports over OTLP the ASP.NET Core server spans and metrics and Loom's scoring span and metrics
    /// (<see cref="ScoringInstruments"/>), as service <paramref name="serviceName"/>; the exporter's other settings (headers, export
    /// interval, batch delay) come from the standard <c>OTEL_*</c> keys of the configuration. Without one nothing is registered, so nothing
    /// listens to the instruments and they cost a flag check each.
    /// </summary>
    public static IHostApplicationBuilder AddLoomTelemetry(this IHostApplicationBuilder builder, string serviceName, OtlpTarget? target)
    {
        if (target is null) return builder;
        var version = typeof(LoomTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: version))
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddSource(ScoringInstruments.Name))
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddMeter(ScoringInstruments.Name))
            .UseOtlpExporter(target.Protocol, target.Endpoint);
        return builder;
    }
}
