using Loom.Contracts;

namespace Loom.Core.Workspaces;

public sealed record WorkspaceRecord(long Id, string Name, string? Description, DateTimeOffset CreatedTime)
{
    public WorkspaceDto ToDto(long? experiments = null, long? runs = null) => new(Name, Description, CreatedTime, experiments, runs);
}
