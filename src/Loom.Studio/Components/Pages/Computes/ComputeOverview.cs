using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Compute;
using Loom.Core.Execution;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;

namespace Loom.Studio.Components.Pages.Computes;

/// <summary>A run a compute target holds (waiting for nodes, or running on them) and, when it can be read, the run itself.</summary>
public sealed record ComputeRun(LiveJobRecord Job, RunDto? Run)
{
    public bool Waiting => Job.NodesClaimed < Job.NodeCount;
}

/// <summary>A compute target as the compute page shows it: its policy and nodes, and the runs it holds, oldest first.</summary>
public sealed record ComputeTarget(ComputeDto Compute, IReadOnlyList<ComputeRun> Runs, bool MoreRuns);

/// <summary>Reads what the compute page shows, through the services the REST API uses.</summary>
public static class ComputeOverview
{
    /// <summary>How many of a target's runs the page lists; the queue length counts them all.</summary>
    public const int RunsListed = 25;

    public static async Task<IReadOnlyList<ComputeTarget>> LoadAsync(ComputeService computes, RunService runs, WorkspaceRecord workspace,
        CancellationToken cancellationToken)
    {
        var targets = new List<ComputeTarget>();
        foreach (var compute in await computes.ListAsync(workspace, cancellationToken))
        {
            var jobs = await computes.ListLiveJobsAsync(workspace, compute.Name, RunsListed + 1, cancellationToken);
            var held = new List<ComputeRun>();
            foreach (var job in jobs.Take(RunsListed)) held.Add(new ComputeRun(job, await FindRunAsync(runs, workspace.Id, job.RunId, cancellationToken)));
            targets.Add(new ComputeTarget(compute, held, jobs.Count > RunsListed));
        }
        return targets;
    }

    // A run deleted (with its workspace's data) between the two reads is listed by its id alone.
    private static async Task<RunDto?> FindRunAsync(RunService runs, long workspaceId, string runId, CancellationToken cancellationToken)
    {
        try { return await runs.GetAsync(workspaceId, runId, cancellationToken); }
        catch (LoomException e) when (e.Code == ErrorCodes.RunNotFound) { return null; }
    }
}
