namespace Loom.Agent.Execution;

/// <summary>What a finished job means for the agent.</summary>
/// <param name="RetireRequested">The server asked the agent to exit once idle.</param>
/// <param name="AgentLost">The server no longer accepts this agent (retired or declared lost).</param>
internal sealed record JobOutcome(bool RetireRequested, bool AgentLost);
