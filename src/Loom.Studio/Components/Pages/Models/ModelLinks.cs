using Loom.Contracts;

namespace Loom.Studio.Components.Pages.Models;

/// <summary>The Studio addresses and labels the model pages share.</summary>
public static class ModelLinks
{
    public static string Model(string name) => $"/models/{Uri.EscapeDataString(name)}";

    public static string Run(string runId) => $"/runs/{Uri.EscapeDataString(runId)}";

    public static string Endpoint(string name) => $"/endpoints/{Uri.EscapeDataString(name)}";

    /// <summary>The zip of a version's files, served to the browser's Studio session for the workspace named.</summary>
    public static string Zip(string workspace, ModelDto model) =>
        Session.StudioDownloads.ModelZipUrl(workspace, model.Name, model.Version);

    /// <summary>The framework and its version, as one label.</summary>
    public static string Framework(ModelDto model) => (model.Framework, model.FrameworkVersion) switch
    {
        (null, _) => "",
        ({ } framework, null) => framework,
        ({ } framework, { } version) => $"{framework} {version}",
    };

    /// <summary>Whether the version can be served without code: exactly one ONNX file, run by ONNX Runtime in the server.</summary>
    public static bool IsOnnx(ModelDto model) => model.Files.Count(f => f.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) == 1;
}
