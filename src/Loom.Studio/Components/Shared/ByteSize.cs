using System.Globalization;

namespace Loom.Studio.Components.Shared;

/// <summary>Sizes as people read them: bytes below a kilobyte, then KB, MB, GB (powers of 1024) with one decimal.</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["KB", "MB", "GB", "TB"];

    public static string Format(long bytes)
    {
        if (bytes < 1024) return bytes.ToString("N0", CultureInfo.InvariantCulture) + " B";
        double value = bytes;
        var unit = -1;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }
}
