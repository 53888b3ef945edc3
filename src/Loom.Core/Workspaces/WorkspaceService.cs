using System.Collections.Concurrent;
using System.Security.Claims;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Identity;
using Microsoft.Extensions.Logging;

namespace Loom.Core.Workspaces;

public sealed partial class WorkspaceService(IWorkspaceStore store, TimeProvider time, ILogger<WorkspaceService> logger)
{
    public const string DefaultName = "default";
    // Workspaces are few and rarely change; every call resolves one, so keep them in memory.
    private readonly ConcurrentDictionary<string, WorkspaceRecord> _byName = new(StringComparer.Ordinal);

    public async ValueTask<WorkspaceRecord> ResolveAsync(string? name, CancellationToken cancellationToken)
    {
        if (name is not null && _byName.TryGetValue(name, out var cached)) return cached;
        Validate.Name(name, "Workspace");
        var found = await store.FindAsync(name!, cancellationToken)
            ?? throw LoomException.NotFound(ErrorCodes.WorkspaceNotFound, "Workspace", name!);
        _byName[found.Name] = found;
        return found;
    }

    /// <summary>
    /// The workspace <paramref name="name"/> as <paramref name="user"/> may use it, when the user holds at least <paramref name="needed"/>
    /// there; a caller with no role learns nothing about whether it exists.
    /// </summary>
    public async ValueTask<WorkspaceScope> AuthorizeAsync(ClaimsPrincipal user, string? name, Role needed, CancellationToken cancellationToken)
    {
        var held = user.RoleIn(name ?? "")
            ?? throw new LoomException(ErrorCodes.Forbidden, $"Your token has no role in workspace '{name}'.");
        var workspace = await ResolveAsync(name, cancellationToken);
        if (held < needed)
            throw new LoomException(ErrorCodes.Forbidden, $"This call needs the {needed} role in workspace '{name}'; your token has {held}.");
        return new WorkspaceScope(workspace, held);
    }

    public async Task<WorkspaceDto> CreateAsync(CreateWorkspaceRequest request, CancellationToken cancellationToken)
    {
        var name = Validate.Name(request.Name, "Workspace");
        var created = await store.CreateAsync(name, request.Description, time.GetUtcNow(), cancellationToken)
            ?? throw new LoomException(ErrorCodes.WorkspaceExists, $"Workspace '{name}' already exists.");
        LogCreated(logger, name);
        return created.ToDto(0, 0);
    }

    /// <summary>Creates the default workspace on a new data folder.</summary>
    public async Task EnsureDefaultAsync(CancellationToken cancellationToken)
    {
        if (await store.FindAsync(DefaultName, cancellationToken) is null)
            await store.CreateAsync(DefaultName, "The default workspace", time.GetUtcNow(), cancellationToken);
    }

    public Task<IReadOnlyList<WorkspaceRecord>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    public async Task<WorkspaceDto> GetAsync(WorkspaceRecord workspace, CancellationToken cancellationToken)
    {
        var (experiments, runs) = await store.CountAsync(workspace.Id, cancellationToken);
        return workspace.ToDto(experiments, runs);
    }

    public async Task DeleteAsync(WorkspaceRecord workspace, bool force, CancellationToken cancellationToken)
    {
        var (_, runs) = await store.CountAsync(workspace.Id, cancellationToken);
        var assets = await store.CountAssetsAsync(workspace.Id, cancellationToken);
        if ((runs > 0 || assets.Count > 0) && !force)
        {
            var held = assets.Select(a => $"{a.Value} {a.Key}").Prepend(runs > 0 ? $"{runs} runs" : null).OfType<string>();
            throw new LoomException(ErrorCodes.WorkspaceNotEmpty,
                $"Workspace '{workspace.Name}' holds {string.Join(", ", held)}; delete it with force to remove them too.");
        }
        await store.DeleteAsync(workspace.Id, cancellationToken);
        _byName.TryRemove(workspace.Name, out _);
        LogDeleted(logger, workspace.Name, runs);
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Workspace {Name} created")]
    private static partial void LogCreated(ILogger logger, string name);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Workspace {Name} deleted with {Runs} runs")]
    private static partial void LogDeleted(ILogger logger, string name, long runs);
}
