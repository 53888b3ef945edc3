using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Loom.Studio.Components.Pages.Endpoints.Parts;

/// <summary>JSON as people read it: indented, with characters left as they are (the page escapes what it shows).</summary>
public static class JsonText
{
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The text indented when it is JSON, else as it is.</summary>
    public static string Indent(string text)
    {
        try
        {
            return JsonNode.Parse(text)?.ToJsonString(Options) ?? text;
        }
        catch (JsonException)
        {
            return text;
        }
    }

    /// <summary>Whether the text is one JSON value.</summary>
    public static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
