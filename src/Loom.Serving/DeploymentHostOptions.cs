namespace Loom.Serving;

/// <summary>How the deployment host runs workers; bound from the <c>DeploymentHost</c> configuration section.</summary>
public sealed class DeploymentHostOptions
{
    /// <summary>The server's data folder; generations are prepared under <c>serving/</c> in it.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>
    /// The interpreter of the curated <c>system</c> environment, and the one venvs are made from (the server's agent
    /// Python; default <c>python3</c> on PATH).
    /// </summary>
    public string Python { get; set; } = "python3";

    /// <summary>Where venvs are built and kept (default <c>DATA/agents/cache</c>, shared with local agents).</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>The folder holding the bundled <c>loom</c> and <c>inference_schema</c> packages (default: <c>python/</c> beside the server).</summary>
    public string? BundledPython { get; set; }

    /// <summary>Lines of worker output kept per deployment (default 5,000).</summary>
    public int LogLines { get; set; } = 5_000;

    /// <summary>How long a worker's <c>init()</c> may take before the proof fails (default 10 minutes).</summary>
    public TimeSpan InitTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A replica is added once requests have waited for a worker this long without a break (default 1 s).</summary>
    public TimeSpan ScaleUpAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A replica is removed once one fewer would have served every request for this long (default 30 s).</summary>
    public TimeSpan ScaleDownAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the load is sampled for scaling (default 250 ms).</summary>
    public TimeSpan ScaleInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a worker gets to exit once its input is closed, before it is killed (default 5 s).</summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>When the server stops, how long deployments get to answer what they hold (default 10 s).</summary>
    public TimeSpan ShutdownDrain { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait before restarting a worker that keeps dying (default 30 s).</summary>
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The largest response a worker may send, in bytes (default 64 MiB): the worker answers a larger one as an error, and
    /// the host answers <c>scoring_error</c> and replaces a worker that sends one anyway.
    /// </summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>The most tensor elements an ONNX request may hold over all its inputs (default 16,000,000).</summary>
    public long MaxTensorElements { get; set; } = 16_000_000;

    /// <summary>The cache folder in effect.</summary>
    public string ResolvedCacheDirectory => CacheDirectory ?? Path.Combine(DataDirectory, "agents", "cache");

    /// <summary>The bundled Python folder in effect.</summary>
    public string ResolvedBundledPython => BundledPython ?? Path.Combine(AppContext.BaseDirectory, "python");

    internal bool IsValid() =>
        !string.IsNullOrWhiteSpace(DataDirectory) && !string.IsNullOrWhiteSpace(Python) && LogLines > 0 && InitTimeout > TimeSpan.Zero
        && ScaleUpAfter >= TimeSpan.Zero && ScaleDownAfter > TimeSpan.Zero && ScaleInterval > TimeSpan.Zero && StopGrace >= TimeSpan.Zero
        && ShutdownDrain >= TimeSpan.Zero && MaxRestartDelay >= TimeSpan.Zero
        && MaxResponseBytes is > 0 and <= Workers.WorkerFrames.MaxFrame - 2 && MaxTensorElements > 0;
}
