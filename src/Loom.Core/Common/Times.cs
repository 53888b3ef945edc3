namespace Loom.Core.Common;

/// <summary>Times are stored as milliseconds since the Unix epoch.</summary>
public static class Times
{
    public static long ToMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();
    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    public static DateTimeOffset? FromMs(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}
