namespace Loom.Core.Serving;

/// <summary>How one scoring call ended, as <see cref="ScoringInstruments"/> reports it.</summary>
public readonly record struct ScoringCall(string Workspace, string Endpoint, string? Deployment, int Status, TimeSpan Elapsed, string? Error);
