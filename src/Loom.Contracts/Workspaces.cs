namespace Loom.Contracts;

public sealed record WorkspaceDto(string Name, string? Description, DateTimeOffset CreatedTime,
    long? ExperimentCount = null, long? RunCount = null);

public sealed record CreateWorkspaceRequest(string Name, string? Description = null);

public sealed record ExperimentDto(string Name, DateTimeOffset CreatedTime, DateTimeOffset LastActivityTime, long RunCount);
