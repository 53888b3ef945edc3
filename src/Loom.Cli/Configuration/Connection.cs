namespace Loom.Cli.Configuration;

/// <summary>Where a command talks to: the server, the token and the workspace, each from its strongest source.</summary>
public sealed record Connection(Uri Url, string Token, string Workspace);
