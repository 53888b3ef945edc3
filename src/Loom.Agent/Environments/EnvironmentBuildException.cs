namespace Loom.Agent.Environments;

/// <summary>Building a venv failed; <see cref="OutputTail"/> holds the last lines of its output (what pip complained about).</summary>
public sealed class EnvironmentBuildException(string message, string outputTail) : Exception(message)
{
    /// <summary>The last lines the failing step printed.</summary>
    public string OutputTail { get; } = outputTail;
}
