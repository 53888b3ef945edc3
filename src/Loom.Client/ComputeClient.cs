using Loom.Client.Http;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>Compute targets: named queues with a scaling policy (type, min/max nodes, idle seconds).</summary>
public sealed class ComputeClient
{
    private readonly LoomHttp http;

    internal ComputeClient(LoomHttp http) => this.http = http;

    /// <summary>
    /// Creates a compute target; a taken name is <c>compute_exists</c>. With an <c>idempotencyKey</c> the call is
    /// retried on transient failures and a replay answers with the target first created.
    /// </summary>
    public Task<ComputeDto> CreateAsync(string workspace, CreateComputeRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<ComputeDto>(HttpMethod.Post, ApiPaths.Computes(workspace), request, idempotencyKey, retryable: false, cancellationToken);

    /// <summary>Every compute target of the workspace, by name.</summary>
    public async Task<IReadOnlyList<ComputeDto>> ListAsync(string workspace, CancellationToken cancellationToken = default) =>
        (await http.GetAsync<ListResult<ComputeDto>>(ApiPaths.Computes(workspace), cancellationToken)).Value;

    public Task<ComputeDto> GetAsync(string workspace, string name, CancellationToken cancellationToken = default) =>
        http.GetAsync<ComputeDto>(ApiPaths.Compute(workspace, name), cancellationToken);

    /// <summary>Changes the fields set in <paramref name="request"/>; the result is validated as on create.</summary>
    public Task<ComputeDto> UpdateAsync(string workspace, string name, UpdateComputeRequest request, CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<ComputeDto>(HttpMethod.Patch, ApiPaths.Compute(workspace, name), request, idempotencyKey: null, retryable: false, cancellationToken);

    public Task DeleteAsync(string workspace, string name, CancellationToken cancellationToken = default) =>
        http.SendAsync(HttpMethod.Delete, ApiPaths.Compute(workspace, name), cancellationToken);
}
