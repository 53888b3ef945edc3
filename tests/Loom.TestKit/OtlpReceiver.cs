using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Loom.TestKit;

/// <summary>
/// An OTLP/HTTP collector for tests: Kestrel on 127.0.0.1 taking <c>POST /v1/traces</c>, <c>/v1/metrics</c> and <c>/v1/logs</c> and keeping
/// each body as it came (protobuf, in which names and string attributes stand as UTF-8).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<byte[]>> bodies = new(StringComparer.Ordinal);

    private OtlpReceiver(WebApplication app) => this.app = app;

    /// <summary>The base URL exporters are given (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    public Uri Url { get; private set; } = null!;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new OtlpReceiver(builder.Build());
        receiver.app.MapPost("/v1/{signal}", receiver.ReceiveAsync);
        await receiver.app.StartAsync();
        receiver.Url = new Uri(receiver.app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return receiver;
    }

    /// <summary>Every body received for <paramref name="signal"/> (<c>traces</c>, <c>metrics</c>, <c>logs</c>) so far, as Latin-1 text.</summary>
    public IReadOnlyList<string> Received(string signal) =>
        bodies.TryGetValue(signal, out var queue) ? queue.Select(b => Encoding.Latin1.GetString(b)).ToList() : [];

    /// <summary>Waits (at most <paramref name="bound"/>) until some body of <paramref name="signal"/> holds every one of <paramref name="texts"/>.</summary>
    public async Task<bool> WaitForAsync(string signal, TimeSpan bound, params string[] texts)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            if (Received(signal).Any(body => texts.All(t => body.Contains(t, StringComparison.Ordinal)))) return true;
            await Task.Delay(50);
        }
        return false;
    }

    private async Task ReceiveAsync(HttpContext context, string signal)
    {
        using var copy = new MemoryStream();
        await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
        bodies.GetOrAdd(signal, _ => new ConcurrentQueue<byte[]>()).Enqueue(copy.ToArray());
        // An empty Export*ServiceResponse: everything was taken.
        context.Response.ContentType = "application/x-protobuf";
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
