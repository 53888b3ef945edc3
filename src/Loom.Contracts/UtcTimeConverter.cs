using System.Text.Json;
using System.Text.Json.Serialization;

namespace Loom.Contracts;

/// <summary>Writes times as UTC ISO-8601 with milliseconds and a 'Z' (<c>2026-11-25T10:00:00.123Z</c>); reads any ISO-8601 offset.</summary>
public sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        WriteUtc(writer, value.UtcDateTime);

    /// <summary>Writes a UTC time in the API's one format, without allocating.</summary>
    public static void WriteUtc(Utf8JsonWriter writer, DateTime utc)
    {
        Span<byte> buffer = stackalloc byte[32];
        utc.TryFormat(buffer, out var written, Format, System.Globalization.CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..written]);
    }
}
