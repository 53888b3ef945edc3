using System.Net;
using Loom.Client.Http;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>
/// The agent protocol: register with a compute target (with a user token), then — with the agent token the
/// registration returns — claim jobs, send heartbeats and report each job's progress.
/// </summary>
public sealed class AgentsClient
{
    private readonly LoomHttp http;

    internal AgentsClient(LoomHttp http) => this.http = http;

    /// <summary>Registers an agent; the caller needs the Contributor role in the workspace.</summary>
    public Task<AgentRegisteredDto> RegisterAsync(RegisterAgentRequest request, CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<AgentRegisteredDto>(HttpMethod.Post, ApiPaths.Agents, request, idempotencyKey: null, retryable: false, cancellationToken);

    /// <summary>
    /// Waits up to <paramref name="waitSeconds"/> (at most 30) for a job of the agent's compute target; null when none
    /// came. A retired or lost agent gets a <see cref="LoomApiException"/> with code <c>agent_retired</c>.
    /// </summary>
    public async Task<JobDto?> ClaimAsync(string agentId, int waitSeconds = 30, CancellationToken cancellationToken = default)
    {
        using var response = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post,
                http.Url(ApiPaths.WithQuery($"{ApiPaths.Agent(agentId)}/claim", ("waitSeconds", waitSeconds)))),
            retryable: false, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return response.StatusCode == HttpStatusCode.NoContent ? null : await LoomHttp.ReadJsonAsync<JobDto>(response, cancellationToken);
    }

    /// <summary>Shows the agent is alive (and what it runs); the answer says whether to cancel the run or retire.</summary>
    public Task<AgentOrdersDto> HeartbeatAsync(string agentId, HeartbeatRequest request, CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<AgentOrdersDto>(HttpMethod.Post, $"{ApiPaths.Agent(agentId)}/heartbeat", request, idempotencyKey: null, retryable: true, cancellationToken);

    /// <summary>Reports this node's progress on a run (repeating a report changes nothing, so it is retried).</summary>
    public Task<AgentOrdersDto> ReportAsync(string agentId, string runId, JobStatusRequest request, CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<AgentOrdersDto>(HttpMethod.Post, $"{ApiPaths.Agent(agentId)}/jobs/{ApiPaths.Escape(runId)}/status", request,
            idempotencyKey: null, retryable: true, cancellationToken);

    /// <summary>Leaves the compute target (an agent that exits cleanly); its node disappears from the listing.</summary>
    public Task LeaveAsync(string agentId, CancellationToken cancellationToken = default) =>
        http.SendAsync(HttpMethod.Delete, ApiPaths.Agent(agentId), cancellationToken);
}
