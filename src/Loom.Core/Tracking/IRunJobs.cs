namespace Loom.Core.Tracking;

/// <summary>What may own a run's execution (a submitted run's job): it handles the run's cancel and decides how the run ends.</summary>
public interface IRunJobs
{
    /// <summary>Cancels the run if it is this owner's; false when the run is not.</summary>
    Task<bool> TryCancelAsync(long workspaceId, string runId, CancellationToken cancellationToken);

    /// <summary>Whether the run has a job that has not ended: its agents, not a client, then set how it ends.</summary>
    Task<bool> IsLiveAsync(long workspaceId, string runId, CancellationToken cancellationToken);
}
