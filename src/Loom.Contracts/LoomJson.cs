using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Loom.Contracts;

/// <summary>The JSON conventions of the API: camelCase, enums as names, NaN and ±Infinity as strings.</summary>
public static class LoomJson
{
    /// <summary>Shared options; configure a serializer with <see cref="Configure"/> to get the same behaviour.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new NamedEnumConverter());
        options.Converters.Add(new UtcTimeConverter());
        options.TypeInfoResolverChain.Insert(0, LoomJsonContext.Default);
        // Types outside the generated context fall back to reflection.
        if (!options.TypeInfoResolverChain.OfType<DefaultJsonTypeInfoResolver>().Any())
            options.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver());
        return options;
    }
}
