namespace Loom.Client.Git;

/// <summary>
/// The run property keys under which a source folder's git state is recorded: Azure ML v1's own keys,
/// and MLflow's, so MLflow UIs show the source too. The Python client (<c>loom/_git.py</c>) uses the same.
/// </summary>
public static class GitProperties
{
    /// <summary>The <c>origin</c> remote URL (credentials stripped), or the work tree's root path without one.</summary>
    public const string RepositoryUri = "azureml.git.repository_uri";

    /// <summary>The current branch; empty when HEAD is detached.</summary>
    public const string Branch = "azureml.git.branch";

    /// <summary>The full HEAD commit sha; empty before the first commit.</summary>
    public const string Commit = "azureml.git.commit";

    /// <summary>"true" when the work tree has any staged, unstaged or untracked (not ignored) change, else "false".</summary>
    public const string Dirty = "azureml.git.dirty";

    public const string MlflowCommit = "mlflow.source.git.commit";
    public const string MlflowBranch = "mlflow.source.git.branch";
    public const string MlflowRepoUrl = "mlflow.source.git.repoURL";
}
