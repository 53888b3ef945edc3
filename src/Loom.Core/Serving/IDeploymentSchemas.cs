namespace Loom.Core.Serving;

/// <summary>
/// The input and output schema document (<c>swagger.json</c>) of a deployment's serving generation, as its entry script declared it
/// (<c>@input_schema</c>, <c>@output_schema</c>). A deployment host may implement it (it is then used without a registration of
/// its own) or register it beside <see cref="IDeploymentHost"/>; without one <c>GET /endpoints/{ws}/{name}/swagger.json</c> answers 404.
/// </summary>
public interface IDeploymentSchemas
{
    /// <summary>The JSON document, or null when nothing serves or the script declares no schema.</summary>
    string? Swagger(long workspaceId, string endpoint, string deployment);
}
