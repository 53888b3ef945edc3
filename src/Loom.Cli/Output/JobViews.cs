using Loom.Contracts;

namespace Loom.Cli.Output;

/// <summary>How a submitted run's job looks in <c>run show</c>: what it runs, where, and its nodes.</summary>
public static class JobViews
{
    public static IReadOnlyList<KeyValuePair<string, string>> Details(RunJobDto job)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Compute", job.Compute),
            new("Environment", $"{job.Environment} ({job.EnvironmentHash[..Math.Min(12, job.EnvironmentHash.Length)]})"),
            new("Snapshot", job.SnapshotId),
        };
        if (job.Script is not null) fields.Add(new("Script", job.Script));
        if (job.Command is not null) fields.Add(new("Command", job.Command));
        if (job.Arguments.Count > 0) fields.Add(new("Arguments", string.Join(' ', job.Arguments)));
        fields.Add(new("Layout", $"{job.NodeCount} node(s) × {job.ProcessCountPerNode} process(es){(job.Distribution is { } d ? $", {d}" : "")}"));
        if (job.MaxDurationSeconds is { } max) fields.Add(new("Max duration", Formats.Duration(TimeSpan.FromSeconds(max))));
        fields.Add(new("Queued", Formats.Time(job.QueuedTime)));
        return fields;
    }

    /// <summary>One row per node that an agent took; null before any did.</summary>
    public static TableView? Nodes(RunJobDto job) => job.Nodes.Count == 0
        ? null
        : new TableView(["Node", "Agent", "Host", "State", "Exit code", "Error"],
            job.Nodes.OrderBy(n => n.NodeRank).Select(n => (IReadOnlyList<string>)
                [Formats.Number(n.NodeRank), n.AgentId, n.Host, n.State, n.ExitCode is { } code ? Formats.Number(code) : "", n.Error ?? ""]).ToList(),
            "Nodes");
}
