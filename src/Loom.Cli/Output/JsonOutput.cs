using System.Text.Json;
using Loom.Contracts;

namespace Loom.Cli.Output;

/// <summary>The JSON the CLI prints: the API's conventions, indented.</summary>
public static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = new(LoomJson.Options) { WriteIndented = true };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
