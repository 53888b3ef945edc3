using Loom.Client.Http;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>Experiments of a workspace (they are created by run creation).</summary>
public sealed class ExperimentsClient
{
    private readonly LoomHttp http;

    internal ExperimentsClient(LoomHttp http) => this.http = http;

    public async Task<IReadOnlyList<ExperimentDto>> ListAsync(string workspace, CancellationToken cancellationToken = default) =>
        (await http.GetAsync<ListResult<ExperimentDto>>($"{ApiPaths.Workspace(workspace)}/experiments", cancellationToken)).Value;

    public Task<ExperimentDto> GetAsync(string workspace, string name, CancellationToken cancellationToken = default) =>
        http.GetAsync<ExperimentDto>($"{ApiPaths.Workspace(workspace)}/experiments/{ApiPaths.Escape(name)}", cancellationToken);
}
