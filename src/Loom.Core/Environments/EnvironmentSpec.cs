using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Environments;

/// <summary>
/// An environment's spec in normal form (defaults filled in, requirement lines cleaned, variables sorted),
/// with its canonical JSON and the hash that identifies it wherever it is built.
/// </summary>
public sealed record EnvironmentSpec(PythonSpec Python, string? Image, IReadOnlyDictionary<string, string> Variables)
{
    public const string DefaultInterpreter = "python3";

    /// <summary>The interpreter of the curated <c>system</c> environment: the agent's own, as it is.</summary>
    public const string AgentInterpreter = "agent";

    /// <summary>
    /// JSON in UTF-8 with keys in ordinal order and no whitespace; lists keep their order (pip installs in it)
    /// and variables are a sorted map, so two specs that mean the same thing serialize the same.
    /// </summary>
    public string CanonicalJson()
    {
        using var buffer = new MemoryStream();
        // Only what JSON requires is escaped, so another language can rebuild the bytes (for text without control
        // characters, Python gives the same with
        // json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)).
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (Image is null) w.WriteNull("image");
            else w.WriteString("image", Image);
            w.WriteStartObject("python");
            w.WriteString("interpreter", Python.Interpreter);
            var pip = Python.PipOptions!;
            w.WriteStartObject("pipOptions");
            WriteList(w, "extraIndexUrls", pip.ExtraIndexUrls!);
            WriteList(w, "findLinks", pip.FindLinks!);
            if (pip.IndexUrl is null) w.WriteNull("indexUrl");
            else w.WriteString("indexUrl", pip.IndexUrl);
            w.WriteBoolean("noIndex", pip.NoIndex);
            w.WriteEndObject();
            WriteList(w, "requirements", Python.Requirements!);
            // Written only when set, so the hashes of specs made before the option existed stay the same.
            if (Python.SystemSitePackages) w.WriteBoolean("systemSitePackages", true);
            w.WriteEndObject();
            w.WriteStartObject("variables");
            foreach (var (name, value) in Variables.OrderBy(v => v.Key, StringComparer.Ordinal)) w.WriteString(name, value);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>SHA-256 hex of <see cref="CanonicalJson"/>.</summary>
    public string Hash() => Hashes.Sha256Hex(CanonicalJson());

    /// <summary>Reads a spec stored as its canonical JSON.</summary>
    public static EnvironmentSpec FromJson(string json) =>
        JsonSerializer.Deserialize<EnvironmentSpec>(json, LoomJson.Options) ?? throw new JsonException("An environment spec is empty.");

    private static void WriteList(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }
}
