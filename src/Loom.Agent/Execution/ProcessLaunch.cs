namespace Loom.Agent.Execution;

/// <summary>One process of a job's node: its command, the log its output goes to and its variables.</summary>
/// <param name="Rank">The global rank of the (first) process it runs.</param>
/// <param name="Command">Program and arguments.</param>
/// <param name="LogFile">The run log receiving its stdout and stderr.</param>
/// <param name="Variables">Changes to the agent's environment (null removes).</param>
internal sealed record ProcessLaunch(int Rank, IReadOnlyList<string> Command, string LogFile, IReadOnlyDictionary<string, string?> Variables);
