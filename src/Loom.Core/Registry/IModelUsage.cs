namespace Loom.Core.Registry;

/// <summary>
/// What may use a model version (a live deployment): deleting a version it names is refused. With none registered,
/// nothing uses any model.
/// </summary>
public interface IModelUsage
{
    /// <summary>The names of what uses the version (e.g. <c>iris/blue</c>), empty when nothing does.</summary>
    Task<IReadOnlyList<string>> UsersOfAsync(long workspaceId, string name, int version, CancellationToken cancellationToken);
}
