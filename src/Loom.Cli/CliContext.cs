using Loom.Cli.Output;
using Loom.Client;

namespace Loom.Cli;

/// <summary>What commands reach outside themselves through: the console, the environment, the API client. Tests replace parts.</summary>
public sealed class CliContext
{
    public required IConsoleOutput Output { get; init; }

    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The user's home folder, under which the profile and the local server's data folder are found.</summary>
    public string HomeDirectory { get; init; } = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>The clock durations of live runs are measured against.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public Func<Uri, string, LoomClient> CreateClient { get; init; } = (url, token) => new LoomClient(url, token);

    /// <summary>The real console and environment.</summary>
    public static CliContext CreateDefault() => new() { Output = ConsoleOutput.ForConsole() };
}
