namespace Loom.Contracts;

/// <summary>Run statuses in lifecycle order.</summary>
public enum RunStatus
{
    NotStarted, Queued, Preparing, Starting, Running, Finalizing, CancelRequested, Completed, Failed, Canceled,
}

public static class RunStatuses
{
    public static bool IsTerminal(this RunStatus status) =>
        status is RunStatus.Completed or RunStatus.Failed or RunStatus.Canceled;
}

public sealed record StatusChange(RunStatus Status, DateTimeOffset Time);

public sealed record RunDto(
    string Id,
    string Workspace,
    string Experiment,
    string? DisplayName,
    string? Description,
    string? ParentRunId,
    string RootRunId,
    RunStatus Status,
    DateTimeOffset CreatedTime,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    IReadOnlyList<StatusChange> StatusHistory,
    string? Error,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, string> Properties,
    IReadOnlyDictionary<string, double> Metrics);

public sealed record CreateRunRequest(
    string? Experiment,
    string? ParentRunId = null,
    string? DisplayName = null,
    string? Description = null,
    RunStatus? Status = null,
    Dictionary<string, string>? Params = null,
    Dictionary<string, string>? Tags = null,
    Dictionary<string, string>? Properties = null);

public sealed record UpdateRunRequest(
    RunStatus? Status = null,
    string? Error = null,
    string? DisplayName = null,
    string? Description = null,
    Dictionary<string, string>? Params = null,
    Dictionary<string, string>? Tags = null,
    List<string>? RemoveTags = null,
    Dictionary<string, string>? Properties = null);
