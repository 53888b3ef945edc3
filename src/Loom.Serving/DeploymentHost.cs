using System.Collections.Concurrent;
using Loom.Agent.Environments;
using Loom.Blobs;
using Loom.Core.Serving;
using Microsoft.Extensions.Logging;

namespace Loom.Serving;

/// <summary>
/// Runs deployments inside the server: per deployment a pool of Python workers (or an in-process ONNX session) fed
/// from a queue, proven before it takes traffic and swapped in without dropping requests. Preparing and proving a
/// generation is in <c>DeploymentHost.Start.cs</c>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class DeploymentHost : IDeploymentHost, IDeploymentSchemas, IAsyncDisposable
{
    private readonly DeploymentHostOptions options;
    private readonly IBlobStore blobs;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly EnvironmentBuilder environments;
    private readonly ConcurrentDictionary<DeploymentKey, DeploymentSlot> slots = new();
    private readonly CancellationTokenSource stopping = new();
    private int disposed;

    public DeploymentHost(DeploymentHostOptions options, IBlobStore blobs, ILogger<DeploymentHost> logger, TimeProvider time)
    {
        if (!options.IsValid()) throw new ArgumentException("Serving options are invalid: DataDirectory and Python are required, and the limits must be positive (MaxResponseBytes at most 1 GiB).", nameof(options));
        this.options = options;
        this.blobs = blobs;
        this.logger = logger;
        this.time = time;
        environments = new EnvironmentBuilder(options.ResolvedCacheDirectory, options.Python);
    }

    /// <summary>Where generations are prepared: <c>DATA/serving/</c>.</summary>
    public string ServingDirectory => Path.Combine(options.DataDirectory, "serving");

    public Task<ScoreResult> ScoreAsync(long workspaceId, string endpoint, string deployment, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (!slots.TryGetValue(new DeploymentKey(workspaceId, endpoint, deployment), out var slot)) return ScoreResults.NotReadyTask;
        while (true)
        {
            var generation = slot.Serving;
            if (generation is null) return ScoreResults.NotReadyTask;
            switch (generation.TryAdmit())
            {
                case Admission.Admitted:
                    return generation.ScoreAdmittedAsync(body, cancellationToken);
                case Admission.Overloaded:
                    return ScoreResults.OverloadedTask;
                default:
                    // Replaced or stopping: the slot already names its successor (or none).
                    if (ReferenceEquals(slot.Serving, generation)) return ScoreResults.NotReadyTask;
                    continue;
            }
        }
    }

    public DeploymentRuntime? Runtime(long workspaceId, string endpoint, string deployment) =>
        slots.TryGetValue(new DeploymentKey(workspaceId, endpoint, deployment), out var slot) ? slot.Serving?.Runtime() : null;

    public IReadOnlyList<string> Logs(long workspaceId, string endpoint, string deployment, int maxLines) =>
        slots.TryGetValue(new DeploymentKey(workspaceId, endpoint, deployment), out var slot) ? slot.Log.Tail(maxLines) : [];

    /// <summary>The serving generation's <c>swagger.json</c>, or null when its script declares no schema.</summary>
    public string? Swagger(long workspaceId, string endpoint, string deployment) =>
        slots.TryGetValue(new DeploymentKey(workspaceId, endpoint, deployment), out var slot) && slot.Serving is not null ? slot.Swagger : null;

    public async Task StopAsync(long workspaceId, string endpoint, string deployment, CancellationToken cancellationToken)
    {
        var key = new DeploymentKey(workspaceId, endpoint, deployment);
        if (!slots.TryGetValue(key, out var slot)) return;
        await slot.Updates.WaitAsync(cancellationToken);
        try
        {
            if (slot.Swap(null, null) is { } serving)
            {
                slot.Write($"loom: stopping generation {serving.Generation}");
                await RetireAsync(slot, serving);
            }
            await slot.WaitForDrainsAsync();
            // The deployment is gone: its log and state go with it (a deployment made again under its name starts afresh).
            slot.Removed = true;
            slots.TryRemove(new KeyValuePair<DeploymentKey, DeploymentSlot>(key, slot));
        }
        finally
        {
            slot.Updates.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        await stopping.CancelAsync();
        var stops = new List<Task>();
        foreach (var slot in slots.Values)
        {
            // A start in progress sees the cancellation and gives up its generation; then nothing new can come in.
            await slot.Updates.WaitAsync(options.ShutdownDrain);
            if (slot.Swap(null, null) is { } serving) stops.Add(StopBoundedAsync(slot, serving));
        }
        await Task.WhenAll(stops);
        foreach (var slot in slots.Values) await slot.WaitForDrainsAsync();
    }

    private async Task StopBoundedAsync(DeploymentSlot slot, ServingGeneration generation)
    {
        await generation.DrainAsync(options.ShutdownDrain);
        Stopped(slot, generation);
    }

    /// <summary>Drains a replaced generation in the background; its in-flight and queued requests are answered first.</summary>
    private Task RetireAsync(DeploymentSlot slot, ServingGeneration generation)
    {
        slot.DrainingFolder(generation.Folder, draining: true);
        var drain = Task.Run(async () =>
        {
            try
            {
                await generation.DrainAsync(DrainBound(generation));
                Stopped(slot, generation);
            }
            finally
            {
                slot.DrainingFolder(generation.Folder, draining: false);
            }
        });
        slot.Track(drain);
        return drain;
    }

    /// <summary>Every admitted request is bounded by the request timeout; a full queue takes that many turns of the workers.</summary>
    private static TimeSpan DrainBound(ServingGeneration generation) => generation is Workers.WorkerPool pool
        ? pool.DrainBound
        : TimeSpan.FromSeconds(30);

    private void Stopped(DeploymentSlot slot, ServingGeneration generation)
    {
        slot.Write($"loom: generation {generation.Generation} stopped");
        HostLog.Stopped(logger, slot.Key.ToString(), generation.Generation);
        RemoveFolder(generation.Folder);
    }

    private void RemoveFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            HostLog.FolderNotRemoved(logger, folder, e);
        }
    }
}
