namespace Loom.Cli.Configuration;

/// <summary>What <c>loom login</c> remembers: the server, the token and the default workspace.</summary>
public sealed record Profile(string? Url, string? Token, string? Workspace);
