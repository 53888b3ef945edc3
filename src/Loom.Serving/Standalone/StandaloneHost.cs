using Loom.Blobs;
using Loom.Client;
using Loom.Contracts;
using Loom.Core.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Loom.Serving.Standalone;

/// <summary>
/// <c>loom serve</c>: one deployment of a Loom server served by this process, the scale-out form of the embedded endpoint host. It reads
/// the deployment through the REST API, runs it on a <see cref="DeploymentHost"/> of its own (generations prepared in a private temp
/// folder, removed when it stops) and answers <c>POST /score</c>, <c>GET /</c> and <c>GET /swagger.json</c> as the server's scoring
/// routes do, with the endpoint's auth. It follows the deployment: a new generation proven on the server is proven here and swapped in
/// without dropping requests. Start it, <see cref="ProveAsync"/>, then <see cref="FollowAsync"/> until stopped; dispose it to stop
/// its workers. Scoring routes are in <c>StandaloneHost.Routes.cs</c>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class StandaloneHost : IAsyncDisposable
{
    private readonly StandaloneOptions options;
    private readonly string dataDirectory;
    private readonly FolderBlobStore blobs;
    private readonly HttpClient http;
    private readonly LoomClient client;
    private readonly RemoteDeployment remote;
    private readonly CallerCheck callers;
    private readonly WebApplication app;
    private readonly DeploymentHost host;
    private readonly int maxRequestBytes = new EndpointOptions().MaxRequestBytes;
    private readonly TelemetryShipper telemetry;
    private readonly TimeProvider time = TimeProvider.System;
    private readonly ScoringInstruments instruments;
    private readonly CancellationTokenSource stopShipping = new();
    private Task shipping = Task.CompletedTask;
    private DeploymentDto deployment;
    private int serving;
    private int tried;

    private StandaloneHost(StandaloneOptions options, string dataDirectory, FolderBlobStore blobs, HttpClient http, LoomClient client,
        RemoteDeployment remote, CallerCheck callers, DeploymentDto deployment)
    {
        this.options = options;
        this.dataDirectory = dataDirectory;
        this.blobs = blobs;
        this.http = http;
        this.client = client;
        this.remote = remote;
        this.callers = callers;
        this.deployment = deployment;
        telemetry = new TelemetryShipper((batch, ct) => client.Endpoints.RecordTelemetryAsync(options.Workspace, options.Endpoint, batch, ct),
            options.TelemetryBufferLimit, options.Log);
        app = Build();
        host = app.Services.GetRequiredService<DeploymentHost>();
        instruments = app.Services.GetRequiredService<ScoringInstruments>();
    }

    /// <summary>The address the host listens on.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary><c>endpoint/deployment</c>.</summary>
    public string Name => $"{options.Endpoint}/{options.Deployment}";

    /// <summary>
    /// Reads the deployment and the endpoint's auth from the server (a missing one, or a token that may not read it, throws the
    /// client's exception) and starts listening; until <see cref="ProveAsync"/> succeeds, <c>GET /</c> answers 503.
    /// </summary>
    public static async Task<StandaloneHost> StartAsync(StandaloneOptions options, CancellationToken cancellationToken)
    {
        var data = Path.Combine(Path.GetTempPath(), $"loom-serve-{Guid.NewGuid():N}");
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var client = new LoomClient(options.Server, options.Token, http);
        StandaloneHost? started = null;
        try
        {
            Directory.CreateDirectory(data);
            // The host lays generations out from this store, which holds what was downloaded from the server.
            var blobs = new FolderBlobStore(Path.Combine(data, "blobs"));
            var remote = new RemoteDeployment(client, options.Workspace, options.Endpoint, options.Deployment, blobs, Path.Combine(data, "downloads"));
            var deployment = await remote.GetAsync(cancellationToken);
            var callers = new CallerCheck(options.Server, options.Workspace, http);
            started = new StandaloneHost(options, data, blobs, http, client, remote, callers, deployment);
            await started.RefreshAuthAsync(cancellationToken);
            await started.app.StartAsync(cancellationToken);
            started.shipping = started.telemetry.RunAsync(options.TelemetryInterval, started.stopShipping.Token);
            started.Url = new Uri(started.app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
            return started;
        }
        catch
        {
            if (started is not null) await started.DisposeAsync();
            else
            {
                client.Dispose();
                http.Dispose();
                RemoveData(data);
            }
            throw;
        }
    }

    /// <summary>Prepares and proves the deployment's generation; on success it serves. A failed proof carries the workers' init log.</summary>
    public async Task<DeploymentProof> ProveAsync(CancellationToken cancellationToken)
    {
        DeploymentPlan plan;
        tried = deployment.Generation;
        try
        {
            plan = await remote.PlanAsync(deployment, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or BlobHashMismatchException)
        {
            return new DeploymentProof(false, $"The files of generation {deployment.Generation} could not be fetched: {e.Message}", e.Message, null);
        }
        options.Log($"preparing generation {plan.Generation} of {Name}: {string.Join(", ", deployment.Models)}, environment {deployment.Environment}");
        var proof = await host.StartAsync(plan, cancellationToken);
        if (proof.Succeeded) Volatile.Write(ref serving, plan.Generation);
        return proof;
    }

    /// <summary>
    /// Until <paramref name="cancellationToken"/> fires, reads the deployment and the endpoint's keys every
    /// <see cref="StandaloneOptions.RefreshInterval"/>: a new generation that the server proved is proven here and swapped in (a failed one
    /// leaves the serving one), changed keys apply at once. A server out of reach is tried again at the next turn.
    /// </summary>
    public async Task FollowAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.RefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken)) await RefreshAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAuthAsync(cancellationToken);
            var latest = await remote.GetAsync(cancellationToken);
            // A generation is tried once: one that failed here waits for the next update rather than failing every turn.
            if (latest.Generation == tried || latest.State != DeploymentStates.Succeeded) return;
            options.Log($"{Name} has generation {latest.Generation} on the server; proving it here");
            deployment = latest;
            var proof = await ProveAsync(cancellationToken);
            options.Log(proof.Succeeded ? $"generation {latest.Generation} of {Name} serves"
                : $"generation {latest.Generation} of {Name} failed here ({proof.Error}); generation {Volatile.Read(ref serving)} keeps serving");
        }
        catch (Exception e) when (e is LoomApiException or HttpRequestException or IOException or InvalidDataException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            options.Log($"could not follow {Name} on {options.Server}: {e.Message}");
        }
    }

    /// <summary>Reads the endpoint's auth mode, and its keys in key mode.</summary>
    private async Task RefreshAuthAsync(CancellationToken cancellationToken)
    {
        var endpoint = await remote.GetEndpointAsync(cancellationToken);
        var keys = endpoint.AuthMode == EndpointAuthModes.Token ? null : await remote.GetKeysAsync(cancellationToken);
        callers.Update(endpoint.Name, endpoint.AuthMode, keys, options.Deployment);
    }

    /// <summary>
    /// Stops listening, then the workers (their in-flight requests answered first), sends the telemetry still kept, and removes the temp
    /// folder.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await app.StopAsync(CancellationToken.None);
        }
        finally
        {
            try
            {
                await ShipLastTelemetryAsync();
            }
            finally
            {
                // The container disposes the deployment host, which stops every worker.
                await app.DisposeAsync();
                client.Dispose();
                http.Dispose();
                RemoveData(dataDirectory);
            }
        }
    }

    private WebApplication Build()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        // The caller decides when to stop (loom serve handles SIGTERM and Ctrl+C itself).
        builder.Services.AddSingleton<IHostLifetime, CallerLifetime>();
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var hostOptions = new DeploymentHostOptions
        {
            DataDirectory = dataDirectory,
            Python = options.Python,
            CacheDirectory = options.ResolvedCacheDirectory,
        };
        builder.Services.AddSingleton(sp => new DeploymentHost(hostOptions, blobs, sp.GetRequiredService<ILogger<DeploymentHost>>(), TimeProvider.System));
        builder.Services.AddSingleton<ScoringInstruments>();
        builder.AddLoomTelemetry("loom-serve", options.Otlp);
        var built = builder.Build();
        MapRoutes(built);
        return built;
    }

    /// <summary>The last calls answered go to the server too; a server that does not take them within the bound loses them.</summary>
    private async Task ShipLastTelemetryAsync()
    {
        await stopShipping.CancelAsync();
        await shipping;
        using var bound = new CancellationTokenSource(FinalFlushBound);
        try
        {
            await telemetry.FlushAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            // Out of time.
        }
        if (telemetry.Count > 0) options.Log($"{telemetry.Count} telemetry calls could not be sent before stopping");
        stopShipping.Dispose();
    }

    private static readonly TimeSpan FinalFlushBound = TimeSpan.FromSeconds(10);

    private static void RemoveData(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temp folder left behind is the system's to clean.
        }
    }

    /// <summary>A host lifetime that neither handles signals nor prints: the process around the host does both.</summary>
    private sealed class CallerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
