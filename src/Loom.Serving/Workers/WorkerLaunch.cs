namespace Loom.Serving.Workers;

/// <summary>How to start a generation's workers: the interpreter, the folder and the variables (a null value removes one).</summary>
internal sealed record WorkerLaunch(string Python, string WorkingDirectory, IReadOnlyDictionary<string, string?> Environment, TimeSpan StopGrace,
    int MaxResponseBytes)
{
    /// <summary>The worker module bundled with the Python client.</summary>
    public static readonly IReadOnlyList<string> Arguments = ["-u", "-m", "loom._serving.worker"];
}
