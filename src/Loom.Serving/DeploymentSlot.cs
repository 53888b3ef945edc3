namespace Loom.Serving;

/// <summary>A deployment's place in the host: its serving generation, its log, and the lock that orders its updates.</summary>
internal sealed class DeploymentSlot(DeploymentKey key, int logLines)
{
    private volatile ServingGeneration? serving;
    private volatile string? swagger;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, bool> drains = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> drainingFolders = new();

    public DeploymentKey Key { get; } = key;

    public LogRing Log { get; } = new(logLines);

    /// <summary>One start or stop at a time per deployment.</summary>
    public SemaphoreSlim Updates { get; } = new(1, 1);

    /// <summary>
    /// Set (under <see cref="Updates"/>) once the deployment was stopped and the slot taken out of the host: a start that
    /// waited for it takes a fresh slot instead.
    /// </summary>
    public bool Removed { get; set; }

    /// <summary>Whether the slot's folder was cleared of what an earlier server left there.</summary>
    public bool Cleared { get; set; }

    public ServingGeneration? Serving => serving;

    public string? Swagger => swagger;

    /// <summary>Makes <paramref name="next"/> the serving generation; returns the one it replaces.</summary>
    public ServingGeneration? Swap(ServingGeneration? next, string? nextSwagger)
    {
        var previous = serving;
        swagger = nextSwagger;
        serving = next;
        return previous;
    }

    public void Write(string line) => Log.Add(line);

    /// <summary>Keeps a replaced generation's drain until it ends, so that stopping the deployment waits for it.</summary>
    public void Track(Task drain)
    {
        drains.TryAdd(drain, true);
        _ = drain.ContinueWith(t => drains.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Whether a draining generation still uses <paramref name="folder"/>.</summary>
    public bool Draining(string folder) => drainingFolders.ContainsKey(folder);

    public void DrainingFolder(string folder, bool draining)
    {
        if (draining) drainingFolders[folder] = true;
        else drainingFolders.TryRemove(folder, out _);
    }

    public async Task WaitForDrainsAsync()
    {
        foreach (var drain in drains.Keys) await drain;
    }
}
