using System.Globalization;
using Loom.Contracts;

namespace Loom.Agent.Execution;

/// <summary>
/// Which processes a node of a job starts. One process: the user command, output to <c>std_log.txt</c>.
/// Distributed (<c>nodeCount × processCountPerNode &gt; 1</c>): one process per local rank with the PyTorch variables,
/// output to <c>std_log_process_{rank}.txt</c>. With <c>mpi</c> and <c>mpirun</c> installed, a single
/// <c>mpirun -np &lt;ppn&gt;</c> per node instead, which sets the ranks itself; its ranks share the log of the
/// node's first rank. Without <c>mpirun</c>, <c>mpi</c> is launched like <c>pytorch</c> with Open MPI's rank variables added.
/// </summary>
internal static class LaunchPlan
{
    public const string SingleLog = "std_log.txt";

    /// <summary>The launches of <paramref name="job"/>'s node, each with <paramref name="jobVariables"/> and its rank's.</summary>
    public static IReadOnlyList<ProcessLaunch> Create(JobDto job, string python, IReadOnlyDictionary<string, string?> jobVariables, bool mpirunAvailable)
    {
        var user = UserCommand(job, python);
        var perNode = Math.Max(1, job.ProcessCountPerNode);
        if (Math.Max(1, job.NodeCount) * perNode <= 1) return [new ProcessLaunch(0, user, SingleLog, jobVariables)];

        var firstRank = job.NodeRank * perNode;
        var mpi = job.Distribution == Distributions.Mpi;
        if (mpi && mpirunAvailable)
        {
            var variables = Merge(jobVariables, JobVariables.ForRank(job, 0, mpi: false));
            // mpirun gives each process its own rank; the node-level values stay.
            variables.Remove("RANK");
            variables.Remove("LOCAL_RANK");
            List<string> command = ["mpirun", "-np", perNode.ToString(CultureInfo.InvariantCulture), "--oversubscribe", "--allow-run-as-root", .. user];
            return [new ProcessLaunch(firstRank, command, ProcessLog(firstRank), variables)];
        }
        return [.. Enumerable.Range(0, perNode).Select(local =>
            new ProcessLaunch(firstRank + local, user, ProcessLog(firstRank + local), Merge(jobVariables, JobVariables.ForRank(job, local, mpi))))];
    }

    /// <summary>A script runs with the environment's interpreter; a command line with <c>/bin/sh -c</c>, its arguments quoted after it.</summary>
    public static IReadOnlyList<string> UserCommand(JobDto job, string python)
    {
        if (job.Script is { } script) return [python, script, .. job.Arguments];
        var line = job.Command ?? throw new InvalidDataException("The job has neither a script nor a command.");
        if (job.Arguments.Count > 0) line += " " + ShellQuote.Join(job.Arguments);
        return ["/bin/sh", "-c", line];
    }

    public static string ProcessLog(int rank) => $"std_log_process_{rank.ToString(CultureInfo.InvariantCulture)}.txt";

    private static Dictionary<string, string?> Merge(IReadOnlyDictionary<string, string?> first, Dictionary<string, string?> second)
    {
        var merged = new Dictionary<string, string?>(first, StringComparer.Ordinal);
        foreach (var (name, value) in second) merged[name] = value;
        return merged;
    }
}
