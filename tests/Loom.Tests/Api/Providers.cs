namespace Loom.Tests.Api;

// Each API suite runs once per metadata provider.

public sealed class AuthApiOnSqlite : AuthApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class AuthApiOnPostgres(PostgresFixture pg) : AuthApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class WorkspaceApiOnSqlite : WorkspaceApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class WorkspaceApiOnPostgres(PostgresFixture pg) : WorkspaceApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class RunApiOnSqlite : RunApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class RunApiOnPostgres(PostgresFixture pg) : RunApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class RunSearchApiOnSqlite : RunSearchApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class RunSearchApiOnPostgres(PostgresFixture pg) : RunSearchApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class MetricApiOnSqlite : MetricApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class MetricApiOnPostgres(PostgresFixture pg) : MetricApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class ArtifactApiOnSqlite : ArtifactApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class ArtifactApiOnPostgres(PostgresFixture pg) : ArtifactApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class LogApiOnSqlite : LogApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class LogApiOnPostgres(PostgresFixture pg) : LogApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class EnvironmentApiOnSqlite : Environments.EnvironmentApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class EnvironmentApiOnPostgres(PostgresFixture pg) : Environments.EnvironmentApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class ComputeApiOnSqlite : Compute.ComputeApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class ComputeApiOnPostgres(PostgresFixture pg) : Compute.ComputeApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class SnapshotApiOnSqlite : Snapshots.SnapshotApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class SnapshotApiOnPostgres(PostgresFixture pg) : Snapshots.SnapshotApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class AgentProtocolApiOnSqlite : Execution.AgentProtocolApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class AgentProtocolApiOnPostgres(PostgresFixture pg) : Execution.AgentProtocolApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class ModelApiOnSqlite : Models.ModelApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class ModelApiOnPostgres(PostgresFixture pg) : Models.ModelApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class ServingEndpointApiOnSqlite : Serving.EndpointApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class ServingEndpointApiOnPostgres(PostgresFixture pg) : Serving.EndpointApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class ServingDeploymentApiOnSqlite : Serving.DeploymentApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class ServingDeploymentApiOnPostgres(PostgresFixture pg) : Serving.DeploymentApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class ServingScoringApiOnSqlite : Serving.ScoringApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class ServingScoringApiOnPostgres(PostgresFixture pg) : Serving.ScoringApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }

public sealed class ServingTelemetryApiOnSqlite : Serving.EndpointTelemetryApiTests { protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null); }
[Collection("postgres")]
public sealed class ServingTelemetryApiOnPostgres(PostgresFixture pg) : Serving.EndpointTelemetryApiTests { protected override async Task<string?> DatabaseAsync() => await pg.Server.CreateDatabaseAsync(); }
