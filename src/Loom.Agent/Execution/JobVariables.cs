using System.Globalization;
using Loom.Agent.Environments;
using Loom.Contracts;

namespace Loom.Agent.Execution;

/// <summary>The variables a job's processes get (protocol: "Variables for the user process").</summary>
internal static class JobVariables
{
    /// <summary>The agent's credentials, never passed to a user process (it reports with its run token only).</summary>
    public static readonly IReadOnlyList<string> Scrubbed = ["LOOM_TOKEN", "LOOM_AGENT_TOKEN", "LOOM_AGENT_ID"];

    /// <summary>
    /// Changes to the agent's environment for every process of <paramref name="job"/> (a null value removes a variable).
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="trackingUri">The server URL the agent uses.</param>
    /// <param name="environment">The prepared environment; its venv goes first on PATH.</param>
    /// <param name="bundledPython">The folder holding the bundled <c>loom</c> and <c>azureml</c> packages, when found.</param>
    /// <param name="inherited">Reads the agent's own variables (PATH, PYTHONPATH).</param>
    public static Dictionary<string, string?> ForJob(JobDto job, Uri trackingUri, PreparedEnvironment environment, string? bundledPython,
        Func<string, string?> inherited)
    {
        var variables = Scrubbed.ToDictionary(name => name, _ => (string?)null, StringComparer.Ordinal);
        variables["LOOM_TRACKING_URI"] = trackingUri.AbsoluteUri.TrimEnd('/');
        variables["LOOM_WORKSPACE"] = job.Workspace;
        variables["LOOM_EXPERIMENT"] = job.Experiment;
        variables["LOOM_RUN_ID"] = job.RunId;
        variables["LOOM_RUN_TOKEN"] = job.RunToken;
        variables["AZUREML_RUN_ID"] = job.RunId;
        variables["AZUREML_RUN_TOKEN"] = job.RunToken;
        variables["AZUREML_ARM_WORKSPACE_NAME"] = job.Workspace;
        variables["AZUREML_EXPERIMENT_NAME"] = job.Experiment;
        variables["PYTHONUNBUFFERED"] = "1";
        if (bundledPython is not null) variables["PYTHONPATH"] = Prepend(bundledPython, inherited("PYTHONPATH"));
        if (environment.VenvDirectory is { } venv)
        {
            variables["VIRTUAL_ENV"] = venv;
            variables["PATH"] = Prepend(Path.Combine(venv, "bin"), inherited("PATH"));
            variables["PYTHONHOME"] = null;
        }
        foreach (var (name, value) in job.Variables) variables[name] = value;
        return variables;
    }

    /// <summary>The rank variables of one process of a distributed job (PyTorch's names; MPI's too when <paramref name="mpi"/>).</summary>
    public static Dictionary<string, string?> ForRank(JobDto job, int localRank, bool mpi)
    {
        var perNode = job.ProcessCountPerNode;
        var world = job.NodeCount * perNode;
        var rank = (job.NodeRank * perNode) + localRank;
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["WORLD_SIZE"] = Text(world),
            ["RANK"] = Text(rank),
            ["LOCAL_RANK"] = Text(localRank),
            ["LOCAL_WORLD_SIZE"] = Text(perNode),
            ["NODE_RANK"] = Text(job.NodeRank),
            ["MASTER_ADDR"] = job.MasterAddress,
            ["MASTER_PORT"] = Text(job.MasterPort),
        };
        if (mpi)
        {
            variables["OMPI_COMM_WORLD_RANK"] = Text(rank);
            variables["OMPI_COMM_WORLD_SIZE"] = Text(world);
            variables["OMPI_COMM_WORLD_LOCAL_RANK"] = Text(localRank);
            variables["OMPI_COMM_WORLD_LOCAL_SIZE"] = Text(perNode);
            variables["OMPI_COMM_WORLD_NODE_RANK"] = Text(job.NodeRank);
        }
        return variables;
    }

    private static string Prepend(string first, string? rest) => string.IsNullOrEmpty(rest) ? first : $"{first}:{rest}";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
