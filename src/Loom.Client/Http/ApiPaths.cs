using System.Globalization;
using System.Text;
using Loom.Contracts;

namespace Loom.Client.Http;

/// <summary>Builds relative API paths with every caller-supplied segment escaped.</summary>
internal static class ApiPaths
{
    public static string Workspaces => "api/v1/workspaces";

    public static string Workspace(string workspace) => $"api/v1/workspaces/{Escape(workspace)}";

    public static string Runs(string workspace) => $"{Workspace(workspace)}/runs";

    public static string Run(string workspace, string runId) => $"{Runs(workspace)}/{Escape(runId)}";

    public static string Environments(string workspace) => $"{Workspace(workspace)}/environments";

    public static string Environment(string workspace, string name) => $"{Environments(workspace)}/{Escape(name)}";

    public static string Models(string workspace) => $"{Workspace(workspace)}/models";

    /// <summary>One version of a model; the latest when <paramref name="version"/> is null.</summary>
    public static string ModelVersion(string workspace, string name, int? version) =>
        $"{Models(workspace)}/{Escape(name)}/versions/{(version is { } v ? v.ToString(CultureInfo.InvariantCulture) : "latest")}";

    public static string Computes(string workspace) => $"{Workspace(workspace)}/computes";

    public static string Compute(string workspace, string name) => $"{Computes(workspace)}/{Escape(name)}";

    public static string Endpoints(string workspace) => $"{Workspace(workspace)}/endpoints";

    public static string Endpoint(string workspace, string name) => $"{Endpoints(workspace)}/{Escape(name)}";

    public static string Deployment(string workspace, string endpoint, string name) => $"{Endpoint(workspace, endpoint)}/deployments/{Escape(name)}";

    public static string Tokens => "api/v1/tokens";

    public static string Agents => "api/v1/agents";

    public static string Agent(string agentId) => $"{Agents}/{Escape(agentId)}";

    public static string Escape(string segment) => Uri.EscapeDataString(segment);

    /// <summary>Escapes each segment of a '/'-separated artifact or log path and keeps the separators.</summary>
    public static string EscapePath(string path)
    {
        var segments = path.Split('/');
        // URLs resolve '.' and '..' (escaped or not) before sending, so the server could not reject them: check here.
        if (segments.Any(s => s is "" or "." or ".."))
            throw new LoomValidationException(400, ErrorCodes.InvalidPath,
                $"Path '{path}' is invalid: use relative '/'-separated segments without '.', '..' or empty segments.");
        return string.Join('/', segments.Select(Uri.EscapeDataString));
    }

    /// <summary>Appends the query parameters that have a value.</summary>
    public static string WithQuery(string path, params (string Name, object? Value)[] parameters)
    {
        var builder = new StringBuilder(path);
        var separator = '?';
        foreach (var (name, value) in parameters)
        {
            if (value is null) continue;
            var text = value switch
            {
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(text));
            separator = '&';
        }
        return builder.ToString();
    }
}
