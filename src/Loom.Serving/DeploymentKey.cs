namespace Loom.Serving;

/// <summary>Names one deployment across workspaces.</summary>
internal readonly record struct DeploymentKey(long WorkspaceId, string Endpoint, string Deployment)
{
    public override string ToString() => $"{WorkspaceId}/{Endpoint}/{Deployment}";
}
