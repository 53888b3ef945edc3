using Loom.Contracts;

namespace Loom.Client;

/// <summary>The run finished with <see cref="Status"/> and the log was sent in full (<see cref="Length"/> bytes).</summary>
public sealed record LogEnd(RunStatus Status, long Length) : LogEvent;
