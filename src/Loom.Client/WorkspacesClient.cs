using Loom.Client.Http;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>Workspaces: list, create (admin), get with counts, delete (Owner).</summary>
public sealed class WorkspacesClient
{
    private readonly LoomHttp http;

    internal WorkspacesClient(LoomHttp http) => this.http = http;

    /// <summary>The workspaces the token can see.</summary>
    public async Task<IReadOnlyList<WorkspaceDto>> ListAsync(CancellationToken cancellationToken = default) =>
        (await http.GetAsync<ListResult<WorkspaceDto>>(ApiPaths.Workspaces, cancellationToken)).Value;

    /// <summary>Creates a workspace; <see cref="LoomConflictException"/> (<c>workspace_exists</c>) when the name is taken.</summary>
    public Task<WorkspaceDto> CreateAsync(CreateWorkspaceRequest request, CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<WorkspaceDto>(HttpMethod.Post, ApiPaths.Workspaces, request, idempotencyKey: null, retryable: false, cancellationToken);

    /// <summary>A workspace with its experiment and run counts.</summary>
    public Task<WorkspaceDto> GetAsync(string workspace, CancellationToken cancellationToken = default) =>
        http.GetAsync<WorkspaceDto>(ApiPaths.Workspace(workspace), cancellationToken);

    /// <summary>Deletes a workspace; without <paramref name="force"/> one that holds runs is <c>workspace_not_empty</c>.</summary>
    public Task DeleteAsync(string workspace, bool force = false, CancellationToken cancellationToken = default) =>
        http.SendAsync(HttpMethod.Delete, ApiPaths.WithQuery(ApiPaths.Workspace(workspace), ("force", force ? true : null)), cancellationToken);
}
