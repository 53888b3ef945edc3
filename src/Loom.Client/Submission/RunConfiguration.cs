using Loom.Contracts;

namespace Loom.Client.Submission;

/// <summary>
/// What to run and where: the fields of Azure ML v1's <c>ScriptRunConfig</c>, read from a YAML file with
/// <see cref="Load"/> or built in code, and layered with <see cref="Override"/> (the command line over the file).
/// Null means "not set"; <see cref="RunSubmitter"/> fills the defaults.
/// </summary>
public sealed record RunConfiguration
{
    /// <summary>The folder that is snapshotted and the run's working folder; relative paths are from the current folder.</summary>
    public string? SourceDirectory { get; init; }

    /// <summary>A Python file in the source folder, run with the environment's interpreter.</summary>
    public string? Script { get; init; }

    /// <summary>A shell command line, run in the source folder instead of a script.</summary>
    public string? Command { get; init; }

    /// <summary>What follows the script or command on its command line.</summary>
    public IReadOnlyList<string>? Arguments { get; init; }

    public string? Experiment { get; init; }

    /// <summary>The compute target's name.</summary>
    public string? Compute { get; init; }

    /// <summary><c>name</c>, <c>name:version</c> or <c>name@latest</c>; the server uses <c>system</c> when null.</summary>
    public string? Environment { get; init; }

    public int? NodeCount { get; init; }

    public int? ProcessCountPerNode { get; init; }

    /// <summary>One of <see cref="Distributions.Supported"/>.</summary>
    public string? Distribution { get; init; }

    public int? MaxDurationSeconds { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>
    /// Reads a run configuration file (YAML, snake_case or camelCase keys). Its <see cref="SourceDirectory"/> comes
    /// back absolute: <c>source_directory</c> taken from the file's folder, else the file's folder itself, or that
    /// folder's parent when it is a <c>.loom</c> or <c>.azureml</c> folder.
    /// </summary>
    /// <exception cref="RunConfigurationException">The file can't be read, is not valid YAML, or has an unknown key or a
    /// value of the wrong kind; the message names <c>file:line:col</c>.</exception>
    public static RunConfiguration Load(string path) => RunConfigurationFile.Read(path);

    /// <summary>
    /// This configuration with every value <paramref name="overrides"/> sets put in place of its own. The script and
    /// the command go together (overriding one drops the other); tags are merged, the override winning per key.
    /// </summary>
    public RunConfiguration Override(RunConfiguration overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var entryOverridden = overrides.Script is not null || overrides.Command is not null;
        Dictionary<string, string>? tags = null;
        if (Tags is not null || overrides.Tags is not null)
        {
            tags = new Dictionary<string, string>(Tags ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            foreach (var (key, value) in overrides.Tags ?? new Dictionary<string, string>()) tags[key] = value;
        }
        return new RunConfiguration
        {
            SourceDirectory = overrides.SourceDirectory ?? SourceDirectory,
            Script = entryOverridden ? overrides.Script : Script,
            Command = entryOverridden ? overrides.Command : Command,
            Arguments = overrides.Arguments ?? Arguments,
            Experiment = overrides.Experiment ?? Experiment,
            Compute = overrides.Compute ?? Compute,
            Environment = overrides.Environment ?? Environment,
            NodeCount = overrides.NodeCount ?? NodeCount,
            ProcessCountPerNode = overrides.ProcessCountPerNode ?? ProcessCountPerNode,
            Distribution = overrides.Distribution ?? Distribution,
            MaxDurationSeconds = overrides.MaxDurationSeconds ?? MaxDurationSeconds,
            Tags = tags,
        };
    }

    /// <summary>How many processes the run has in all (nodes × processes per node).</summary>
    public int WorldSize => (NodeCount ?? 1) * (ProcessCountPerNode ?? 1);

    /// <summary>
    /// The log a person follows: <c>std_log.txt</c>, or rank 0's <c>std_log_process_0.txt</c> when the run has
    /// several processes.
    /// </summary>
    public string MainLog => WorldSize > 1 ? "std_log_process_0.txt" : "std_log.txt";

    /// <summary>Checks the values on their own (the files are checked by <see cref="RunSubmitter.Check"/>).</summary>
    /// <exception cref="RunConfigurationException">Neither or both of a script and a command, no experiment or compute
    /// target, or a count, duration or distribution out of range.</exception>
    public void Validate()
    {
        if (Script is null && Command is null)
            throw new RunConfigurationException("A run needs a script (--script, 'script:') or a command (--command, 'command:').");
        if (Script is not null && Command is not null)
            throw new RunConfigurationException($"A run takes a script or a command, not both (script '{Script}', command '{Command}').");
        if (Script is { } script && string.IsNullOrWhiteSpace(script)) throw new RunConfigurationException("The script is empty.");
        if (Command is { } command && string.IsNullOrWhiteSpace(command)) throw new RunConfigurationException("The command is empty.");
        if (string.IsNullOrWhiteSpace(Experiment))
            throw new RunConfigurationException("A run needs an experiment (--experiment, 'experiment:').");
        if (string.IsNullOrWhiteSpace(Compute))
            throw new RunConfigurationException("A run needs a compute target to run on (--compute, 'compute_target:').");
        AtLeastOne(NodeCount, "node count");
        AtLeastOne(ProcessCountPerNode, "process count per node");
        AtLeastOne(MaxDurationSeconds, "max duration (seconds)");
        if (Distribution is { } distribution && !Distributions.Supported.Contains(distribution, StringComparer.Ordinal))
            throw new RunConfigurationException(
                $"Distribution '{distribution}' is not supported; use one of: {string.Join(", ", Distributions.Supported)}.");
    }

    private static void AtLeastOne(int? value, string name)
    {
        if (value < 1) throw new RunConfigurationException($"The {name} must be at least 1, not {value}.");
    }
}
