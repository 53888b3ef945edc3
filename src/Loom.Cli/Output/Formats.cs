using System.Globalization;
using System.Text.Json;

namespace Loom.Cli.Output;

/// <summary>How values look in tables: local times, short durations, compact numbers and sizes.</summary>
public static class Formats
{
    public static string Time(DateTimeOffset? time) =>
        time?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";

    public static string Duration(TimeSpan? duration) => duration switch
    {
        null => "",
        { TotalSeconds: < 60 } d => d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s",
        { TotalHours: < 1 } d => $"{d.Minutes}m {d.Seconds:00}s",
        { TotalDays: < 1 } d => $"{d.Hours}h {d.Minutes:00}m",
        var d => $"{(int)d.Value.TotalDays}d {d.Value.Hours:00}h",
    };

    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A JSON value as one short line: scalars as numbers, the rest as compact JSON cut at 60 characters.</summary>
    public static string Json(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number) return Number(value.GetDouble());
        if (value.ValueKind == JsonValueKind.String) return value.GetString() ?? "";
        var text = value.GetRawText();
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    public static string Size(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double size = bytes;
        var unit = 0;
        while (size >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : size.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
