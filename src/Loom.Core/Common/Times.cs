namespace Loom.Core.Common;

/// <summary>Times are stored as milliseconds since the Unix epoch.</summary>
public static class Times
{
    /// <summary>The current time at the precision times are stored with, so what a call answers is what a read returns.</summary>
    public static DateTimeOffset Now(TimeProvider time) => FromMs(time.GetUtcNow().ToUnixTimeMilliseconds());

    public static long ToMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();
    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    public static DateTimeOffset? FromMs(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}
