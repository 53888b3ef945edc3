namespace Loom.Client;

/// <summary>An event of a followed log: a <see cref="LogChunk"/> as bytes arrive, then one <see cref="LogEnd"/>.</summary>
public abstract record LogEvent;
