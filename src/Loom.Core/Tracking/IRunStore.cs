using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Tracking;

/// <summary>A run about to be stored; <see cref="Experiment"/> is null for a child run that takes its parent's.</summary>
public sealed record NewRun(
    string Id, string Experiment, string? ParentRunId, string? DisplayName, string? Description, RunStatus Status,
    IReadOnlyDictionary<string, string> Params, IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, string> Properties, DateTimeOffset Time);

/// <summary>The few facts about a run that writes to it need.</summary>
public sealed record RunRef(long Seq, string Id, string Experiment, RunStatus Status);

/// <summary>Runs below a run, depth first (each run's children in the order they were created), and how many there are in all.</summary>
public sealed record RunTree(IReadOnlyList<RunDto> Runs, int Total);

public interface IRunStore
{
    Task<IReadOnlyList<ExperimentDto>> ListExperimentsAsync(long workspaceId, CancellationToken cancellationToken);
    Task<ExperimentDto?> FindExperimentAsync(long workspaceId, string name, CancellationToken cancellationToken);

    /// <summary>Stores a run (creating its experiment on first use); on an idempotent replay, returns the first run's id.</summary>
    Task<string> CreateAsync(long workspaceId, NewRun run, IdempotentRequest? idempotency, CancellationToken cancellationToken);

    Task<RunRef?> FindAsync(long workspaceId, string runId, CancellationToken cancellationToken);
    Task<RunDto?> GetAsync(long workspaceId, string runId, CancellationToken cancellationToken);

    /// <summary>Applies an update atomically, enforcing <see cref="RunRules"/>.</summary>
    Task<RunDto> UpdateAsync(long workspaceId, string runId, UpdateRunRequest update, DateTimeOffset time, CancellationToken cancellationToken);

    Task<(IReadOnlyList<RunDto> Runs, PageCursor? Next)> ListAsync(long workspaceId, RunQuery query, CancellationToken cancellationToken);
    /// <summary>How many runs <paramref name="query"/> matches (its order, page size and cursor aside).</summary>
    Task<long> CountAsync(long workspaceId, RunQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The cursor <paramref name="count"/> runs past <paramref name="query"/>'s own, reading only sort keys, so that a
    /// view can start a page deep in a large result; null when fewer runs remain.
    /// </summary>
    Task<PageCursor?> SkipAsync(long workspaceId, RunQuery query, int count, CancellationToken cancellationToken);

    /// <summary>The runs of the workspace among <paramref name="runIds"/>, in no particular order; unknown ids are left out.</summary>
    Task<IReadOnlyList<RunDto>> GetManyAsync(long workspaceId, IReadOnlyCollection<string> runIds, CancellationToken cancellationToken);

    Task<IReadOnlyList<RunDto>> ListChildrenAsync(long workspaceId, string runId, CancellationToken cancellationToken);

    /// <summary>
    /// The runs below <paramref name="runId"/> at any depth, depth first, the first <paramref name="max"/> of them (so every
    /// run returned has its parent returned too, or is a child of <paramref name="runId"/>); null when the run does not exist.
    /// </summary>
    Task<RunTree?> ListTreeAsync(long workspaceId, string runId, int max, CancellationToken cancellationToken);
}
