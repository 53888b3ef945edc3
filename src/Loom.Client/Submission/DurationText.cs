using System.Globalization;

namespace Loom.Client.Submission;

/// <summary>Durations as people write them: <c>90</c> (seconds), <c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>, or combined like <c>1h30m</c>.</summary>
public static class DurationText
{
    /// <summary>The whole seconds <paramref name="text"/> stands for, or null when it is not a duration (or does not fit an int).</summary>
    public static int? TryParseSeconds(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var plain)) return plain <= int.MaxValue ? (int)plain : null;
        long total = 0;
        var position = 0;
        while (position < text.Length)
        {
            var start = position;
            while (position < text.Length && char.IsAsciiDigit(text[position])) position++;
            if (position == start || position == text.Length) return null;
            if (!long.TryParse(text.AsSpan(start, position - start), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount > int.MaxValue) return null;
            long unit = char.ToLowerInvariant(text[position]) switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                _ => 0,
            };
            if (unit == 0) return null;
            position++;
            total += amount * unit;
            if (total > int.MaxValue) return null;
        }
        return (int)total;
    }
}
