using System.Text.Json;
using System.Text.Json.Nodes;
using Loom.Core.Serving;
using Loom.Core.Workspaces;
using Loom.Studio.Components.Pages.Endpoints.Parts;

namespace Loom.Studio.Components.Pages.Endpoints;

/// <summary>
/// The body a test request starts from: the deployment's sample request (the one its proof answered), else the example of the input
/// schema its entry script declares (or an ONNX model's zero tensors), indented for editing.
/// </summary>
public static class SampleRequests
{
    public static async Task<string?> FindAsync(DeploymentService deployments, ScoringService scoring, WorkspaceRecord workspace, string endpoint,
        string deployment, CancellationToken cancellationToken)
    {
        var record = await deployments.FindAsync(workspace, endpoint, deployment, cancellationToken);
        if (record.Spec.SampleRequest is { Length: > 0 } sample) return JsonText.Indent(sample);
        return scoring.Swagger(workspace.Id, endpoint, deployment) is { } swagger ? Example(swagger) : null;
    }

    /// <summary>The example of the swagger document's input, or null when it has none.</summary>
    public static string? Example(string swagger)
    {
        try
        {
            var example = JsonNode.Parse(swagger)?["definitions"]?["ServiceInput"]?["example"];
            return example?.ToJsonString(JsonText.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
