using Loom.Contracts;
using Loom.Core.Execution;
using Loom.Core.Identity;
using Loom.Core.Serving;
using Loom.Core.Tracking;
using Loom.Store;
using Loom.Store.Postgres;
using Loom.Store.Sqlite;
using Loom.TestKit;
using Loom.Tests.Api;

namespace Loom.Tests.Studio;

/// <summary>
/// The store queries the Studio's compute and endpoint pages added (a target's live jobs, an endpoint's timed requests), on both
/// providers, as the store contract tests run.
/// </summary>
public abstract class ComputeAndEndpointStoreQueryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
    private LoomDatabase _db = null!;
    private long _workspace;

    protected abstract Task<LoomDatabase> OpenAsync();

    public async Task InitializeAsync()
    {
        _db = await OpenAsync();
        await _db.MigrateAsync(CancellationToken.None);
        _workspace = (await new SqlWorkspaceStore(_db).CreateAsync("ws", null, Start, CancellationToken.None))!.Id;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<string> SubmitAsync(SqlExecutionStore store, string compute, int nodes, int second)
    {
        var id = $"exp_{Guid.NewGuid():N}";
        var environment = new EnvironmentDto("system", 1, "hash", null, new Dictionary<string, string>(), new PythonSpec("agent"), null,
            new Dictionary<string, string>(), Start);
        var spec = new JobSpec("snapshot", environment, "train.py", null, [], new Dictionary<string, string>(), nodes, 1, null, null);
        return await store.SubmitAsync(_workspace, new NewRun(id, "exp", null, null, null, RunStatus.Queued, new Dictionary<string, string>(),
            new Dictionary<string, string>(), new Dictionary<string, string>(), Start.AddSeconds(second)), compute, spec, null, CancellationToken.None);
    }

    [Fact]
    public async Task A_targets_live_jobs_are_its_queued_and_placed_ones_oldest_first()
    {
        var store = new SqlExecutionStore(_db);
        var placed = await SubmitAsync(store, "pool", 1, 1);
        var partly = await SubmitAsync(store, "pool", 2, 2);
        var canceled = await SubmitAsync(store, "pool", 1, 3);
        var waiting = await SubmitAsync(store, "pool", 1, 4);
        await SubmitAsync(store, "other", 1, 5);
        Assert.True(await store.CancelAsync(_workspace, canceled, Start.AddSeconds(6), CancellationToken.None));
        for (var i = 0; i < 2; i++)
        {
            var agent = new AgentRecord($"agt_{i}", _workspace, "pool", $"node-{i}", 2, null, null, AgentStates.Idle, null, false, Start, Start, Start);
            await store.InsertAgentAsync(agent, new TokenRecord($"tok_{i}", $"agent-{i}", $"hash-{i}", "ws", Role.Contributor, false, Start, null, null,
                TokenKinds.Agent, agent.Id), CancellationToken.None);
            Assert.NotNull(await store.ClaimAsync(agent.Id, Start.AddSeconds(7), (ws, run) =>
                new TokenRecord($"run_{run}", run, $"run-hash-{run}", ws, Role.Contributor, false, Start, null, null, TokenKinds.Run, run), CancellationToken.None));
        }

        var live = await store.ListLiveJobsAsync(_workspace, "pool", 10, CancellationToken.None);
        Assert.Equal([placed, partly, waiting], live.Select(j => j.RunId));
        Assert.Equal(("placed", 1, 1), (live[0].State, live[0].NodeCount, live[0].NodesClaimed));
        Assert.Equal(("queued", 2, 1), (live[1].State, live[1].NodeCount, live[1].NodesClaimed));
        Assert.Equal(("queued", 0, Start.AddSeconds(4)), (live[2].State, live[2].NodesClaimed, live[2].QueuedTime));
        Assert.Equal([placed, partly], (await store.ListLiveJobsAsync(_workspace, "pool", 2, CancellationToken.None)).Select(j => j.RunId));
        Assert.Empty(await store.ListLiveJobsAsync(_workspace, "nothing", 10, CancellationToken.None));
    }

    [Fact]
    public async Task An_endpoints_timed_requests_are_read_newest_first_within_the_window()
    {
        var store = new SqlEndpointTelemetryStore(_db);
        var ms = Start.ToUnixTimeMilliseconds();
        await store.InsertAsync(
        [
            new EndpointRequestRecord(_workspace, 7, "blue", ms - 1, 1.5, 200, 10, 10, null),
            new EndpointRequestRecord(_workspace, 7, "blue", ms, 2.5, 200, 10, 10, null),
            new EndpointRequestRecord(_workspace, 7, "green", ms + 500, 30.25, 502, 10, 90, "boom"),
            new EndpointRequestRecord(_workspace, 7, null, ms + 999, 0.5, 401, 10, 90, "no key"),
            new EndpointRequestRecord(_workspace, 7, "blue", ms + 1000, 9, 200, 10, 10, null),
            new EndpointRequestRecord(_workspace, 8, "blue", ms + 10, 9, 200, 10, 10, null),
        ], CancellationToken.None);

        var points = await store.ReadPointsAsync(7, ms, ms + 1000, 100, CancellationToken.None);
        Assert.Equal([new EndpointRequestPoint(ms + 999, 401, 0.5), new EndpointRequestPoint(ms + 500, 502, 30.25), new EndpointRequestPoint(ms, 200, 2.5)],
            points);
        Assert.Equal([ms + 999, ms + 500], (await store.ReadPointsAsync(7, ms, ms + 1000, 2, CancellationToken.None)).Select(p => p.TimeMs));
    }
}

public sealed class SqliteComputeAndEndpointStoreQueryTests : ComputeAndEndpointStoreQueryTests, IDisposable
{
    private readonly TempDirectory _folder = new();
    protected override Task<LoomDatabase> OpenAsync() => Task.FromResult<LoomDatabase>(new SqliteDatabase(_folder.Combine("loom.db")));
    public void Dispose() => _folder.Dispose();
}

[Collection("postgres")]
public sealed class PostgresComputeAndEndpointStoreQueryTests(PostgresFixture pg) : ComputeAndEndpointStoreQueryTests
{
    protected override async Task<LoomDatabase> OpenAsync() => new PostgresDatabase(await pg.Server.CreateDatabaseAsync());
}
