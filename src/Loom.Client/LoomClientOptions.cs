namespace Loom.Client;

/// <summary>How a <see cref="LoomClient"/> retries transient failures.</summary>
public sealed class LoomClientOptions
{
    /// <summary>Attempts per idempotent call, the first included (default 4). 1 turns retries off.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Delay before the first retry (default 200 ms); each further retry doubles it.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one delay, a server's Retry-After included (default 5 s).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock the delays run on; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
