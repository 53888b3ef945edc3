using System.Net.Http.Headers;
using Loom.Client.Http;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>
/// Online endpoints: create, read, change traffic and delete them, read and rotate their keys, manage their deployments (each proven
/// in the background: wait for it with <see cref="WaitForDeploymentAsync"/>), read deployment logs and endpoint metrics, and score.
/// </summary>
public sealed class EndpointsClient
{
    private static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(500);
    private readonly LoomHttp http;
    private readonly HttpClient raw;
    private readonly string token;

    internal EndpointsClient(LoomHttp http, HttpClient raw, string token)
    {
        this.http = http;
        this.raw = raw;
        this.token = token;
    }

    /// <summary>What a scoring call answered: the body as the scoring script returned it, its content type, and the deployment that answered.</summary>
    public sealed record ScoringAnswer(byte[] Body, string? ContentType, string? Deployment);

    /// <summary>
    /// Creates an endpoint with fresh keys and no traffic; a taken name is <c>endpoint_exists</c>. With an <c>idempotencyKey</c> the
    /// call is retried on transient failures and a replay answers with the endpoint first created.
    /// </summary>
    public Task<EndpointDto> CreateAsync(string workspace, CreateEndpointRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<EndpointDto>(HttpMethod.Post, Endpoints(workspace), request, idempotencyKey, retryable: false, cancellationToken);

    /// <summary>Every endpoint of the workspace, by name.</summary>
    public async Task<IReadOnlyList<EndpointDto>> ListAsync(string workspace, CancellationToken cancellationToken = default) =>
        (await http.GetAsync<ListResult<EndpointDto>>(Endpoints(workspace), cancellationToken)).Value;

    public Task<EndpointDto> GetAsync(string workspace, string name, CancellationToken cancellationToken = default) =>
        http.GetAsync<EndpointDto>(Endpoint(workspace, name), cancellationToken);

    /// <summary>Sets the traffic split (weights 0..100 summing to 100, or empty), description (<c>""</c> clears it) or tags.</summary>
    public Task<EndpointDto> UpdateAsync(string workspace, string name, UpdateEndpointRequest request, CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<EndpointDto>(HttpMethod.Patch, Endpoint(workspace, name), request, idempotencyKey: null, retryable: false, cancellationToken);

    /// <summary>Stops and deletes the endpoint's deployments, then the endpoint and its telemetry.</summary>
    public Task DeleteAsync(string workspace, string name, CancellationToken cancellationToken = default) =>
        http.SendAsync(HttpMethod.Delete, Endpoint(workspace, name), cancellationToken);

    /// <summary>The endpoint's primary and secondary keys (the Contributor role is needed).</summary>
    public Task<EndpointKeysDto> GetKeysAsync(string workspace, string name, CancellationToken cancellationToken = default) =>
        http.GetAsync<EndpointKeysDto>($"{Endpoint(workspace, name)}/keys", cancellationToken);

    /// <summary>Replaces the <c>primary</c> or <c>secondary</c> key; the other keeps working.</summary>
    public Task<EndpointKeysDto> RegenerateKeyAsync(string workspace, string name, string keyType, CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<EndpointKeysDto>(HttpMethod.Post, $"{Endpoint(workspace, name)}/keys/regenerate", new RegenerateKeyRequest(keyType),
            idempotencyKey: null, retryable: false, cancellationToken);

    /// <summary>Request rate, latency percentiles and errors over the last <paramref name="minutes"/> (60 when null).</summary>
    public Task<EndpointMetricsDto> GetMetricsAsync(string workspace, string name, int? minutes = null, CancellationToken cancellationToken = default) =>
        http.GetAsync<EndpointMetricsDto>(ApiPaths.WithQuery($"{Endpoint(workspace, name)}/metrics", ("minutes", minutes)), cancellationToken);

    /// <summary>
    /// Records scoring calls a standalone host answered in the endpoint's telemetry (at most 10,000 a call; the Contributor role is needed).
    /// Not retried here: a batch whose answer was lost would be counted twice.
    /// </summary>
    public Task<EndpointTelemetryAcceptedDto> RecordTelemetryAsync(string workspace, string name, EndpointTelemetryBatch batch,
        CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<EndpointTelemetryAcceptedDto>(HttpMethod.Post, $"{Endpoint(workspace, name)}/telemetry", batch, idempotencyKey: null,
            retryable: false, cancellationToken);

    /// <summary>
    /// Creates a deployment, answered at once as <c>Updating</c> while the server proves it; see <see cref="WaitForDeploymentAsync"/>.
    /// With an <c>idempotencyKey</c> the call is retried on transient failures and deploys once.
    /// </summary>
    public Task<DeploymentDto> CreateDeploymentAsync(string workspace, string endpoint, CreateDeploymentRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<DeploymentDto>(HttpMethod.Post, Deployments(workspace, endpoint), request, idempotencyKey, retryable: false, cancellationToken);

    /// <summary>The endpoint's deployments, by name.</summary>
    public async Task<IReadOnlyList<DeploymentDto>> ListDeploymentsAsync(string workspace, string endpoint, CancellationToken cancellationToken = default) =>
        (await http.GetAsync<ListResult<DeploymentDto>>(Deployments(workspace, endpoint), cancellationToken)).Value;

    public Task<DeploymentDto> GetDeploymentAsync(string workspace, string endpoint, string name, CancellationToken cancellationToken = default) =>
        http.GetAsync<DeploymentDto>(Deployment(workspace, endpoint, name), cancellationToken);

    /// <summary>Replaces the fields given: a new generation, proven while the previous one serves.</summary>
    public Task<DeploymentDto> UpdateDeploymentAsync(string workspace, string endpoint, string name, UpdateDeploymentRequest request,
        CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<DeploymentDto>(HttpMethod.Patch, Deployment(workspace, endpoint, name), request, idempotencyKey: null, retryable: false,
            cancellationToken);

    /// <summary>Stops and deletes a deployment; refused (<c>deployment_has_traffic</c>) while it takes traffic beside other deployments.</summary>
    public Task DeleteDeploymentAsync(string workspace, string endpoint, string name, CancellationToken cancellationToken = default) =>
        http.SendAsync(HttpMethod.Delete, Deployment(workspace, endpoint, name), cancellationToken);

    /// <summary>The deployment's last <paramref name="lines"/> log lines (200 when null), oldest first.</summary>
    public async Task<IReadOnlyList<string>> GetDeploymentLogsAsync(string workspace, string endpoint, string name, int? lines = null,
        CancellationToken cancellationToken = default) =>
        (await http.GetAsync<DeploymentLogsDto>(ApiPaths.WithQuery($"{Deployment(workspace, endpoint, name)}/logs", ("lines", lines)), cancellationToken)).Lines;

    /// <summary>Polls a deployment until its proof ends (<c>Succeeded</c> or <c>Failed</c>) and returns it; <paramref name="progress"/> sees each poll.</summary>
    public async Task<DeploymentDto> WaitForDeploymentAsync(string workspace, string endpoint, string name, TimeSpan? poll = null,
        Action<DeploymentDto>? progress = null, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var deployment = await GetDeploymentAsync(workspace, endpoint, name, cancellationToken);
            progress?.Invoke(deployment);
            if (deployment.State != DeploymentStates.Updating) return deployment;
            await Task.Delay(poll ?? DefaultPoll, cancellationToken);
        }
    }

    /// <summary>
    /// Scores <paramref name="body"/> on the endpoint as any caller would: at its scoring URI, with its primary key (key mode) or this
    /// client's token (token mode), pinned to <paramref name="deployment"/> when given. A problem answer throws its typed exception.
    /// </summary>
    public async Task<ScoringAnswer> InvokeAsync(string workspace, string name, byte[] body, string? deployment = null, string contentType = "application/json",
        CancellationToken cancellationToken = default)
    {
        var endpoint = await GetAsync(workspace, name, cancellationToken);
        // A key endpoint takes nothing but its keys; a token endpoint takes this client's token.
        var bearer = endpoint.AuthMode == EndpointAuthModes.Key ? (await GetKeysAsync(workspace, name, cancellationToken)).PrimaryKey : token;
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.ScoringUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (deployment is not null) request.Headers.Add(ScoringHeaders.Deployment, deployment);
        using var response = await raw.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await ProblemReader.ToExceptionAsync(response, cancellationToken);
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new ScoringAnswer(answer, response.Content.Headers.ContentType?.ToString(),
            response.Headers.TryGetValues(ScoringHeaders.Deployment, out var values) ? values.FirstOrDefault() : null);
    }

    private static string Endpoints(string workspace) => ApiPaths.Endpoints(workspace);

    private static string Endpoint(string workspace, string name) => ApiPaths.Endpoint(workspace, name);

    private static string Deployments(string workspace, string endpoint) => $"{ApiPaths.Endpoint(workspace, endpoint)}/deployments";

    private static string Deployment(string workspace, string endpoint, string name) => ApiPaths.Deployment(workspace, endpoint, name);
}
