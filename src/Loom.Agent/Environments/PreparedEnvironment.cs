namespace Loom.Agent.Environments;

/// <summary>What a job's processes run with.</summary>
/// <param name="Python">The interpreter for scripts: the venv's, or the agent's own for <c>system</c>.</param>
/// <param name="VenvDirectory">The venv (its <c>bin</c> goes first on PATH), or null when the agent's interpreter is used as it is.</param>
/// <param name="Reused">True when the venv was already built (by an earlier job or another agent sharing the cache).</param>
/// <param name="BuildTime">How long building it took (zero when reused).</param>
public sealed record PreparedEnvironment(string Python, string? VenvDirectory, bool Reused, TimeSpan BuildTime);
