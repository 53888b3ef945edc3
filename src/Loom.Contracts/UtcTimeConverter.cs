using System.Text.Json;
using System.Text.Json.Serialization;

namespace Loom.Contracts;

/// <summary>Writes times as UTC ISO-8601 with a 'Z' (<c>2026-11-25T10:00:00.123Z</c>); reads any ISO-8601 offset.</summary>
public sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime);
}
