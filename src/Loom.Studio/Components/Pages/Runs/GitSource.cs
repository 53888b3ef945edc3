namespace Loom.Studio.Components.Pages.Runs;

/// <summary>
/// The git state a run was started from, as the clients record it in run properties: Azure ML's <c>azureml.git.*</c>
/// keys, or MLflow's <c>mlflow.source.git.*</c> for runs an MLflow client created.
/// </summary>
public sealed record GitSource(string? Repository, string? Branch, string? Commit, bool? Dirty)
{
    public const string RepositoryKey = "azureml.git.repository_uri";
    public const string BranchKey = "azureml.git.branch";
    public const string CommitKey = "azureml.git.commit";
    public const string DirtyKey = "azureml.git.dirty";
    public const string MlflowRepositoryKey = "mlflow.source.git.repoURL";
    public const string MlflowBranchKey = "mlflow.source.git.branch";
    public const string MlflowCommitKey = "mlflow.source.git.commit";

    /// <summary>Every property key this record is read from (the overview shows them here rather than among the other properties).</summary>
    public static IReadOnlySet<string> Keys { get; } = new HashSet<string>(StringComparer.Ordinal)
        { RepositoryKey, BranchKey, CommitKey, DirtyKey, MlflowRepositoryKey, MlflowBranchKey, MlflowCommitKey };

    public string? ShortCommit => Commit is { Length: > 10 } c ? c[..10] : Commit;

    /// <summary>The run's git source, or null when no client recorded one.</summary>
    public static GitSource? From(IReadOnlyDictionary<string, string> properties)
    {
        var repository = First(properties, RepositoryKey, MlflowRepositoryKey);
        var branch = First(properties, BranchKey, MlflowBranchKey);
        var commit = First(properties, CommitKey, MlflowCommitKey);
        bool? dirty = properties.GetValueOrDefault(DirtyKey)?.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => null,
        };
        return repository is null && branch is null && commit is null && dirty is null ? null : new GitSource(repository, branch, commit, dirty);
    }

    private static string? First(IReadOnlyDictionary<string, string> properties, params string[] keys) =>
        keys.Select(properties.GetValueOrDefault).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
