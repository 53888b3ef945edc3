using Loom.Contracts;
using Loom.Core.Tracking;
using Loom.Store;
using Loom.Store.Postgres;
using Loom.Store.Sqlite;
using Loom.TestKit;
using Loom.Tests.Api;

namespace Loom.Tests.Studio;

/// <summary>The run store's read of a run's whole tree (the child-run tab), on every provider.</summary>
public abstract class RunTreeStoreTests : IAsyncLifetime
{
    private LoomDatabase _db = null!;
    private SqlRunStore _runs = null!;
    private long _workspace, _other;

    protected abstract Task<LoomDatabase> OpenAsync();

    public async Task InitializeAsync()
    {
        _db = await OpenAsync();
        await _db.MigrateAsync(CancellationToken.None);
        var workspaces = new SqlWorkspaceStore(_db);
        _workspace = (await workspaces.CreateAsync("ws", null, DateTimeOffset.UtcNow, CancellationToken.None))!.Id;
        _other = (await workspaces.CreateAsync("ws2", null, DateTimeOffset.UtcNow, CancellationToken.None))!.Id;
        _runs = new SqlRunStore(_db);
        // root -> a, b; a -> a1, a2; a1 -> a1x; b -> b1; created interleaved, so creation order is not depth-first order.
        foreach (var (id, parent) in new[] { ("root", null), ("a", "root"), ("b", "root"), ("a1", "a"), ("b1", "b"), ("a2", "a"), ("a1x", "a1"), ("lone", null) })
            await CreateAsync(_workspace, id, parent);
        await CreateAsync(_other, "root", null);
        await CreateAsync(_other, "x", "root");
    }

    private Task<string> CreateAsync(long workspace, string id, string? parent) =>
        _runs.CreateAsync(workspace, new NewRun(id, "e", parent, null, null, RunStatus.Running, new Dictionary<string, string> { ["p"] = id },
            new Dictionary<string, string>(), new Dictionary<string, string>(), DateTimeOffset.UtcNow), null, CancellationToken.None);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>The tree's run ids in order and its total, as "a b c / 6".</summary>
    private async Task<string> TreeAsync(string runId, int max = 100)
    {
        var tree = (await _runs.ListTreeAsync(_workspace, runId, max, CancellationToken.None))!;
        return $"{string.Join(' ', tree.Runs.Select(r => r.Id))} / {tree.Total}";
    }

    [Fact]
    public async Task A_tree_is_read_depth_first_with_children_in_creation_order()
    {
        Assert.Equal("a a1 a1x a2 b b1 / 6", await TreeAsync("root"));
        Assert.Equal("a1 a1x a2 / 3", await TreeAsync("a"));
        Assert.Equal(" / 0", await TreeAsync("a1x"));
        Assert.Equal(" / 0", await TreeAsync("lone"));
        var runs = (await _runs.ListTreeAsync(_workspace, "root", 100, CancellationToken.None))!.Runs;
        Assert.Equal("a1", runs.Single(r => r.Id == "a1x").ParentRunId);
        Assert.Equal("a1x", runs.Single(r => r.Id == "a1x").Params["p"]);
    }

    [Fact]
    public async Task A_capped_tree_keeps_the_first_runs_with_their_parents_and_counts_them_all()
    {
        Assert.Equal("a a1 a1x / 6", await TreeAsync("root", max: 3));
        Assert.Equal("a / 6", await TreeAsync("root", max: 1));
    }

    [Fact]
    public async Task An_unknown_run_has_no_tree_and_a_tree_stays_in_its_workspace()
    {
        Assert.Null(await _runs.ListTreeAsync(_workspace, "ghost", 10, CancellationToken.None));
        Assert.Equal(["x"], (await _runs.ListTreeAsync(_other, "root", 10, CancellationToken.None))!.Runs.Select(r => r.Id));
    }
}

public sealed class SqliteRunTreeStoreTests : RunTreeStoreTests, IDisposable
{
    private readonly TempDirectory _folder = new();
    protected override Task<LoomDatabase> OpenAsync() => Task.FromResult<LoomDatabase>(new SqliteDatabase(_folder.Combine("loom.db")));
    public void Dispose() => _folder.Dispose();
}

[Collection("postgres")]
public sealed class PostgresRunTreeStoreTests(PostgresFixture pg) : RunTreeStoreTests
{
    protected override async Task<LoomDatabase> OpenAsync() => new PostgresDatabase(await pg.Server.CreateDatabaseAsync());
}
