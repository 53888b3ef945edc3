namespace Loom.Cli.Commands;

/// <summary>A usage error found after parsing (a setting from the environment or profile is wrong); exits with 2.</summary>
public sealed class UsageException(string message) : Exception(message);
