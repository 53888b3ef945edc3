namespace Loom.Core.Tracking;

/// <summary>Something that may own a run's execution (a submitted run's job) and so must handle its cancel.</summary>
public interface IRunCancellation
{
    /// <summary>Cancels the run if it is this owner's; false when the run is not.</summary>
    Task<bool> TryCancelAsync(long workspaceId, string runId, CancellationToken cancellationToken);
}
