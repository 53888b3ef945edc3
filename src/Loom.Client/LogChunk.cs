namespace Loom.Client;

/// <summary>Text of a followed log; <see cref="Offset"/> is the byte offset where the chunk's bytes start.</summary>
public sealed record LogChunk(long Offset, string Text) : LogEvent;
