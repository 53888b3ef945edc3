using System.Text.Json.Serialization;

namespace Loom.Contracts;

/// <summary>Enums travel as their names only: <c>"status": 7</c> is an error, not "Completed".</summary>
public sealed class NamedEnumConverter() : JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false);

/// <summary>The same rule for source-generated serializers, one enum type at a time.</summary>
public sealed class NamedEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false)
    where TEnum : struct, Enum;
