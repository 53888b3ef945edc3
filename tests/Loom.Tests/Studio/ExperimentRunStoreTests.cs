using Loom.Contracts;
using Loom.Core.Tracking;
using Loom.Store;
using Loom.Store.Postgres;
using Loom.Store.Sqlite;
using Loom.TestKit;
using Loom.Tests.Api;

namespace Loom.Tests.Studio;

/// <summary>
/// The run store's reads behind the experiment page, on every provider: counting a search, skipping ahead by sort keys
/// alone (the virtualized table's jump deep into a result) and reading a set of runs by id (its live refresh).
/// </summary>
public abstract class ExperimentRunStoreTests : IAsyncLifetime
{
    private const int Runs = 12;
    private LoomDatabase _db = null!;
    private SqlRunStore _runs = null!;
    private long _workspace;
    private readonly List<string> _ids = [];

    protected abstract Task<LoomDatabase> OpenAsync();

    public async Task InitializeAsync()
    {
        _db = await OpenAsync();
        await _db.MigrateAsync(CancellationToken.None);
        _workspace = (await new SqlWorkspaceStore(_db).CreateAsync("ws", null, DateTimeOffset.UtcNow, CancellationToken.None))!.Id;
        _runs = new SqlRunStore(_db);
        var metrics = new SqlMetricStore(_db);
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < Runs; i++)
        {
            var id = await CreateAsync("e", $"e_{i:00}", null, start.AddSeconds(i), $"0.{i % 3}");
            _ids.Add(id);
            // Half the runs have no accuracy: a metric sort reads those with it, then those without.
            if (i % 2 == 0)
            {
                var accuracy = new ScalarSeries("acc");
                accuracy.Steps.Add(0);
                accuracy.Values.Add(i % 5 / 10.0);
                accuracy.TimesMs.Add(start.ToUnixTimeMilliseconds());
                var run = (await _runs.FindAsync(_workspace, id, CancellationToken.None))!;
                await metrics.AppendAsync(_workspace, run.Seq, [accuracy], [], null, start.ToUnixTimeMilliseconds(), CancellationToken.None);
            }
        }
        await CreateAsync("e", "e_child", _ids[0], start, "0");
        await CreateAsync("other", "other_0", null, start, "0");
    }

    private async Task<string> CreateAsync(string experiment, string id, string? parent, DateTimeOffset time, string lr) =>
        await _runs.CreateAsync(_workspace, new NewRun(id, experiment, parent, null, null, RunStatus.Running,
            new Dictionary<string, string> { ["lr"] = lr }, new Dictionary<string, string>(), new Dictionary<string, string>(), time),
            null, CancellationToken.None);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static RunQuery Query(string? filter, string? orderBy, int pageSize = 100, string? parent = "none") =>
        RunQueries.Parse("e", filter, orderBy, pageSize, null, parent);

    private async Task<List<string>> AllAsync(RunQuery query)
    {
        var (runs, next) = await _runs.ListAsync(_workspace, query, CancellationToken.None);
        Assert.Null(next);
        return runs.Select(r => r.Id).ToList();
    }

    [Fact]
    public async Task A_count_takes_the_filter_and_the_top_level_switch_and_not_the_order()
    {
        Assert.Equal(Runs, await _runs.CountAsync(_workspace, Query(null, "metrics.acc desc"), CancellationToken.None));
        Assert.Equal(Runs + 1, await _runs.CountAsync(_workspace, Query(null, null, parent: null), CancellationToken.None));
        var filter = Query("metrics.acc >= 0.2 and params.lr = '0.1'", null);
        Assert.Equal((await AllAsync(filter)).Count, await _runs.CountAsync(_workspace, filter, CancellationToken.None));
        Assert.Equal(0, await _runs.CountAsync(_workspace, RunQueries.Parse("nothing", null, null, 10, null, null), CancellationToken.None));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("metrics.acc desc")]
    [InlineData("metrics.acc asc, params.lr desc")]
    [InlineData("params.lr asc")]
    [InlineData("startTime asc")]
    public async Task Skipping_n_runs_continues_exactly_where_reading_them_would(string? orderBy)
    {
        var all = await AllAsync(Query(null, orderBy));
        Assert.Equal(Runs, all.Count);
        for (var n = 1; n <= Runs; n++)
        {
            var cursor = await _runs.SkipAsync(_workspace, Query(null, orderBy), n, CancellationToken.None);
            Assert.NotNull(cursor);
            var rest = await AllAsync(Query(null, orderBy) with { After = cursor });
            Assert.Equal(all.Skip(n), rest);
        }
        Assert.Null(await _runs.SkipAsync(_workspace, Query(null, orderBy), Runs + 1, CancellationToken.None));

        // From a cursor: 3 then 4 lands where 7 does.
        var three = await _runs.SkipAsync(_workspace, Query(null, orderBy), 3, CancellationToken.None);
        var seven = await _runs.SkipAsync(_workspace, Query(null, orderBy) with { After = three }, 4, CancellationToken.None);
        Assert.Equal(all.Skip(7), await AllAsync(Query(null, orderBy) with { After = seven }));
        // From a cursor among the runs without the first key (half have no accuracy): 7 then 2 lands where 9 does.
        var nine = await _runs.SkipAsync(_workspace, Query(null, orderBy) with { After = seven }, 2, CancellationToken.None);
        Assert.Equal(all.Skip(9), await AllAsync(Query(null, orderBy) with { After = nine }));
        Assert.Null(await _runs.SkipAsync(_workspace, Query(null, orderBy) with { After = seven }, Runs - 6, CancellationToken.None));
        Assert.NotNull(await _runs.SkipAsync(_workspace, Query(null, orderBy) with { After = seven }, Runs - 7, CancellationToken.None));
    }

    [Fact]
    public async Task Runs_are_read_by_id_within_their_workspace_only()
    {
        var other = (await new SqlWorkspaceStore(_db).CreateAsync("ws2", null, DateTimeOffset.UtcNow, CancellationToken.None))!.Id;
        var runs = await _runs.GetManyAsync(_workspace, [_ids[1], _ids[4], "nope", _ids[1]], CancellationToken.None);
        Assert.Equal([_ids[1], _ids[4]], runs.Select(r => r.Id).Order());
        Assert.Equal(0.4, runs.Single(r => r.Id == _ids[4]).Metrics["acc"]);
        Assert.Equal("0.1", runs.Single(r => r.Id == _ids[1]).Params["lr"]);
        Assert.Empty(await _runs.GetManyAsync(other, [_ids[1]], CancellationToken.None));
        Assert.Empty(await _runs.GetManyAsync(_workspace, [], CancellationToken.None));
    }
}

public sealed class SqliteExperimentRunStoreTests : ExperimentRunStoreTests, IDisposable
{
    private readonly TempDirectory _folder = new();
    protected override Task<LoomDatabase> OpenAsync() => Task.FromResult<LoomDatabase>(new SqliteDatabase(_folder.Combine("loom.db")));
    public void Dispose() => _folder.Dispose();
}

[Collection("postgres")]
public sealed class PostgresExperimentRunStoreTests(PostgresFixture pg) : ExperimentRunStoreTests
{
    protected override async Task<LoomDatabase> OpenAsync() => new PostgresDatabase(await pg.Server.CreateDatabaseAsync());
}
