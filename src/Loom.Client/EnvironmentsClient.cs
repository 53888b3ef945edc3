using System.Globalization;
using Loom.Client.Http;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>Environments: versioned Python specs (interpreter, pip requirements and options), image and variables.</summary>
public sealed class EnvironmentsClient
{
    private readonly LoomHttp http;

    internal EnvironmentsClient(LoomHttp http) => this.http = http;

    /// <summary>
    /// Registers the next version of <c>request.Name</c>, or answers with the latest version when its spec is the
    /// same. With an <c>idempotencyKey</c> the call is retried on transient failures.
    /// </summary>
    public Task<EnvironmentDto> CreateAsync(string workspace, CreateEnvironmentRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<EnvironmentDto>(HttpMethod.Post, ApiPaths.Environments(workspace), request, idempotencyKey, retryable: false, cancellationToken);

    /// <summary>Every environment name with its latest version, the curated <c>system</c> environment included.</summary>
    public async Task<IReadOnlyList<EnvironmentSummaryDto>> ListAsync(string workspace, CancellationToken cancellationToken = default) =>
        (await http.GetAsync<ListResult<EnvironmentSummaryDto>>(ApiPaths.Environments(workspace), cancellationToken)).Value;

    /// <summary>One version of an environment; the latest when <paramref name="version"/> is null.</summary>
    public Task<EnvironmentDto> GetAsync(string workspace, string name, int? version = null, CancellationToken cancellationToken = default) =>
        http.GetAsync<EnvironmentDto>(
            $"{ApiPaths.Environment(workspace, name)}/versions/{(version is { } v ? v.ToString(CultureInfo.InvariantCulture) : "latest")}",
            cancellationToken);

    /// <summary>Every version of an environment, oldest first.</summary>
    public async Task<IReadOnlyList<EnvironmentDto>> ListVersionsAsync(string workspace, string name, CancellationToken cancellationToken = default) =>
        (await http.GetAsync<ListResult<EnvironmentDto>>($"{ApiPaths.Environment(workspace, name)}/versions", cancellationToken)).Value;
}
