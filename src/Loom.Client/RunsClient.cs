using System.Runtime.CompilerServices;
using Loom.Client.Http;
using Loom.Contracts;

namespace Loom.Client;

/// <summary>Runs: create, read, update, cancel, search with page tokens, children.</summary>
public sealed class RunsClient
{
    private readonly LoomHttp http;

    internal RunsClient(LoomHttp http) => this.http = http;

    /// <summary>
    /// Creates a run (status Running unless the request says otherwise). With an <c>idempotencyKey</c> a repeated
    /// call answers with the same run, so the call is retried on transient failures.
    /// </summary>
    public Task<RunDto> CreateAsync(string workspace, CreateRunRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<RunDto>(HttpMethod.Post, ApiPaths.Runs(workspace), request, idempotencyKey, retryable: false, cancellationToken);

    /// <summary>
    /// Queues a run of a stored snapshot on a compute target (status Queued). With an <c>idempotencyKey</c> a repeated
    /// call answers with the same run, so the call is retried on transient failures.
    /// </summary>
    public Task<RunDto> SubmitAsync(string workspace, SubmitRunRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<RunDto>(HttpMethod.Post, $"{ApiPaths.Runs(workspace)}/submit", request, idempotencyKey, retryable: false, cancellationToken);

    /// <summary>What a submitted run runs and where (<c>job_not_found</c> for a run that was not submitted).</summary>
    public Task<RunJobDto> GetJobAsync(string workspace, string runId, CancellationToken cancellationToken = default) =>
        http.GetAsync<RunJobDto>($"{ApiPaths.Run(workspace, runId)}/job", cancellationToken);

    public Task<RunDto> GetAsync(string workspace, string runId, CancellationToken cancellationToken = default) =>
        http.GetAsync<RunDto>(ApiPaths.Run(workspace, runId), cancellationToken);

    /// <summary>Changes status, names, tags (merged; <c>RemoveTags</c> drops them), and adds write-once params and properties.</summary>
    public Task<RunDto> UpdateAsync(string workspace, string runId, UpdateRunRequest request, CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<RunDto>(HttpMethod.Patch, ApiPaths.Run(workspace, runId), request, idempotencyKey: null, retryable: false, cancellationToken);

    /// <summary>Cancels a run: Canceled, or CancelRequested while an agent runs it.</summary>
    public Task<RunDto> CancelAsync(string workspace, string runId, CancellationToken cancellationToken = default) =>
        http.SendJsonAsync<RunDto>(HttpMethod.Post, $"{ApiPaths.Run(workspace, runId)}/cancel", body: null, idempotencyKey: null,
            retryable: false, cancellationToken);

    /// <summary>
    /// One page of runs (docs/rest-api.md gives the filter and orderBy syntax); <c>parentRunId</c> keeps the
    /// children of that run, or top-level runs when it is <c>"none"</c>.
    /// </summary>
    public Task<ListResult<RunDto>> ListAsync(string workspace, string? experiment = null, string? filter = null, string? orderBy = null,
        int? pageSize = null, string? pageToken = null, string? parentRunId = null, CancellationToken cancellationToken = default) =>
        http.GetAsync<ListResult<RunDto>>(ApiPaths.WithQuery(ApiPaths.Runs(workspace),
            ("experiment", experiment), ("filter", filter), ("orderBy", orderBy), ("pageSize", pageSize),
            ("pageToken", pageToken), ("parentRunId", parentRunId)), cancellationToken);

    /// <summary>Every matching run, following page tokens as the caller reads on.</summary>
    public async IAsyncEnumerable<RunDto> ListAllAsync(string workspace, string? experiment = null, string? filter = null,
        string? orderBy = null, int? pageSize = null, string? parentRunId = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? pageToken = null;
        do
        {
            var page = await ListAsync(workspace, experiment, filter, orderBy, pageSize, pageToken, parentRunId, cancellationToken);
            foreach (var run in page.Value) yield return run;
            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);
    }

    /// <summary>The direct children of a run, oldest first.</summary>
    public async Task<IReadOnlyList<RunDto>> ListChildrenAsync(string workspace, string runId, CancellationToken cancellationToken = default) =>
        (await http.GetAsync<ListResult<RunDto>>($"{ApiPaths.Run(workspace, runId)}/children", cancellationToken)).Value;
}
