using System.Security.Cryptography;
using Loom.Contracts;
using Loom.Core.Common;
using Microsoft.Extensions.Logging;

namespace Loom.Core.Tracking;

public sealed partial class RunService(IRunStore store, IEnumerable<IRunJobs> jobs, TimeProvider time, ILogger<RunService> logger)
{
    public async Task<RunDto> CreateAsync(long workspaceId, CreateRunRequest request, IdempotentRequest? idempotency, CancellationToken cancellationToken)
    {
        string experiment;
        if (request.ParentRunId is not null)
        {
            var parent = await store.FindAsync(workspaceId, request.ParentRunId, cancellationToken)
                ?? throw LoomException.NotFound(ErrorCodes.RunNotFound, "Parent run", request.ParentRunId);
            experiment = request.Experiment is null ? parent.Experiment : Validate.Name(request.Experiment, "Experiment");
        }
        else experiment = Validate.Name(request.Experiment, "Experiment");
        Validate.KeyValues(request.Params, "Param");
        Validate.KeyValues(request.Tags, "Tag");
        Validate.KeyValues(request.Properties, "Property");
        if (request.DisplayName is { Length: > 1000 } || request.Description is { Length: > 10000 })
            throw new LoomException(ErrorCodes.InvalidRequest, "displayName is limited to 1,000 characters and description to 10,000.");
        var status = request.Status ?? RunStatus.Running;
        if (status.IsTerminal() || status == RunStatus.CancelRequested)
            throw new LoomException(ErrorCodes.InvalidStatus, $"A run cannot be created as {status}.");
        var now = time.GetUtcNow();
        var run = new NewRun(NewRunId(experiment, now), experiment, request.ParentRunId, request.DisplayName, request.Description, status,
            request.Params ?? [], request.Tags ?? [], request.Properties ?? [], now);
        var id = await store.CreateAsync(workspaceId, run, idempotency, cancellationToken);
        if (id == run.Id) LogCreated(logger, id, experiment);
        return await GetAsync(workspaceId, id, cancellationToken);
    }

    public async Task<RunDto> GetAsync(long workspaceId, string runId, CancellationToken cancellationToken) =>
        await store.GetAsync(workspaceId, runId, cancellationToken) ?? throw RunNotFound(runId);

    public async Task<RunRef> FindAsync(long workspaceId, string runId, CancellationToken cancellationToken) =>
        await store.FindAsync(workspaceId, runId, cancellationToken) ?? throw RunNotFound(runId);

    public async Task<RunDto> UpdateAsync(long workspaceId, string runId, UpdateRunRequest request, CancellationToken cancellationToken)
    {
        Validate.KeyValues(request.Params, "Param");
        Validate.KeyValues(request.Tags, "Tag");
        Validate.KeyValues(request.Properties, "Property");
        foreach (var key in request.RemoveTags ?? []) Validate.Key(key, "Tag");
        if (request.Error is not null && request.Status != RunStatus.Failed)
            throw new LoomException(ErrorCodes.InvalidRequest, "error goes with status Failed.");
        if (request.Status is { } wanted && wanted.IsTerminal() || request.Status == RunStatus.CancelRequested)
            foreach (var job in jobs)
            {
                // A submitted run ends when its agents say so: a cancel goes to its job; a script's own complete() or
                // fail() (Azure ML scripts call them) cannot end it before its exit code and outputs are known.
                if (request.Status is RunStatus.Canceled or RunStatus.CancelRequested && await job.TryCancelAsync(workspaceId, runId, cancellationToken))
                    request = request with { Status = null };
                else if (await job.IsLiveAsync(workspaceId, runId, cancellationToken))
                    request = request with { Status = null, Error = null };
            }
        var updated = await store.UpdateAsync(workspaceId, runId, request, time.GetUtcNow(), cancellationToken);
        if (request.Status is { } status) LogStatus(logger, runId, status);
        return updated;
    }

    /// <summary>
    /// Cancels a run. A submitted run is handed to its job (Canceled at once while queued, CancelRequested while its
    /// agents stop it); a run with no agent has nothing to stop, so it is Canceled at once.
    /// </summary>
    public async Task<RunDto> CancelAsync(long workspaceId, string runId, CancellationToken cancellationToken)
    {
        foreach (var job in jobs)
            if (await job.TryCancelAsync(workspaceId, runId, cancellationToken)) return await GetAsync(workspaceId, runId, cancellationToken);
        return await UpdateAsync(workspaceId, runId, new UpdateRunRequest(Status: RunStatus.Canceled), cancellationToken);
    }

    /// <summary>Whether <paramref name="runId"/> is <paramref name="ancestorId"/> or one of the runs below it.</summary>
    public async Task<bool> IsWithinAsync(long workspaceId, string ancestorId, string runId, CancellationToken cancellationToken)
    {
        for (var current = runId; current is not null;)
        {
            if (current == ancestorId) return true;
            current = (await store.GetAsync(workspaceId, current, cancellationToken))?.ParentRunId;
        }
        return false;
    }

    public async Task<ListResult<RunDto>> ListAsync(long workspaceId, RunQuery query, CancellationToken cancellationToken)
    {
        var (runs, next) = await store.ListAsync(workspaceId, query, cancellationToken);
        return new ListResult<RunDto>(runs, next is null ? null : RunQueries.Encode(next, query.Fingerprint));
    }

    /// <summary>How many runs a search matches: the Studio shows it above a virtualized table of the search's pages.</summary>
    public Task<long> CountAsync(long workspaceId, RunQuery query, CancellationToken cancellationToken) =>
        store.CountAsync(workspaceId, query, cancellationToken);

    /// <summary>
    /// The page token that continues <paramref name="count"/> runs past <paramref name="query"/>'s own page token (its
    /// start when it has none), or null when fewer runs remain: a virtualized view jumps deep into a search this way
    /// without loading every run before the place it shows.
    /// </summary>
    public async Task<string?> SkipAsync(long workspaceId, RunQuery query, int count, CancellationToken cancellationToken)
    {
        if (count < 1) throw new LoomException(ErrorCodes.InvalidRequest, "count must be at least 1.");
        var cursor = await store.SkipAsync(workspaceId, query, count, cancellationToken);
        return cursor is null ? null : RunQueries.Encode(cursor, query.Fingerprint);
    }

    /// <summary>The workspace's runs among <paramref name="runIds"/> (at most 1,000), in no particular order; unknown ids are left out.</summary>
    public Task<IReadOnlyList<RunDto>> GetManyAsync(long workspaceId, IReadOnlyCollection<string> runIds, CancellationToken cancellationToken)
    {
        if (runIds.Count > RunQueries.MaxPageSize)
            throw new LoomException(ErrorCodes.InvalidRequest, $"At most {RunQueries.MaxPageSize} runs can be read at once.");
        return store.GetManyAsync(workspaceId, runIds, cancellationToken);
    }

    public async Task<IReadOnlyList<RunDto>> ListChildrenAsync(long workspaceId, string runId, CancellationToken cancellationToken)
    {
        await FindAsync(workspaceId, runId, cancellationToken);
        return await store.ListChildrenAsync(workspaceId, runId, cancellationToken);
    }

    /// <summary>
    /// The runs below <paramref name="runId"/> at any depth (depth first, children in creation order), at most
    /// <paramref name="max"/> of them (1 to 1,000), and how many there are: a pipeline's whole tree in one read.
    /// </summary>
    public async Task<RunTree> ListTreeAsync(long workspaceId, string runId, int max, CancellationToken cancellationToken)
    {
        if (max is < 1 or > RunQueries.MaxPageSize)
            throw new LoomException(ErrorCodes.InvalidRequest, $"max must be between 1 and {RunQueries.MaxPageSize}.");
        return await store.ListTreeAsync(workspaceId, runId, max, cancellationToken) ?? throw RunNotFound(runId);
    }

    public Task<IReadOnlyList<ExperimentDto>> ListExperimentsAsync(long workspaceId, CancellationToken cancellationToken) =>
        store.ListExperimentsAsync(workspaceId, cancellationToken);

    public async Task<ExperimentDto> GetExperimentAsync(long workspaceId, string name, CancellationToken cancellationToken) =>
        await store.FindExperimentAsync(workspaceId, Validate.Name(name, "Experiment"), cancellationToken)
        ?? throw LoomException.NotFound(ErrorCodes.ExperimentNotFound, "Experiment", name);

    /// <summary>Azure ML's run id shape: experiment, Unix seconds and a random suffix.</summary>
    public static string NewRunId(string experiment, DateTimeOffset now)
    {
        var prefix = experiment.Length > 200 ? experiment[..200] : experiment;
        return $"{prefix}_{now.ToUnixTimeSeconds()}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
    }

    public static LoomException RunNotFound(string runId) => LoomException.NotFound(ErrorCodes.RunNotFound, "Run", runId);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Run {RunId} created in experiment {Experiment}")]
    private static partial void LogCreated(ILogger logger, string runId, string experiment);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Run {RunId} is now {Status}")]
    private static partial void LogStatus(ILogger logger, string runId, RunStatus status);
}
