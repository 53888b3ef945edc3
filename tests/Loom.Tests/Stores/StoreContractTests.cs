using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Identity;
using Loom.Core.Tracking;
using Loom.Store;
using Loom.Store.Postgres;
using Loom.Store.Sqlite;
using Loom.TestKit;
using Loom.Tests.Api;

namespace Loom.Tests.Stores;

/// <summary>The store contract: every provider must pass these against the store interfaces directly.</summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    private LoomDatabase _db = null!;
    private long _workspace;

    protected abstract Task<LoomDatabase> OpenAsync();

    public async Task InitializeAsync()
    {
        _db = await OpenAsync();
        await _db.MigrateAsync(CancellationToken.None);
        _workspace = (await new SqlWorkspaceStore(_db).CreateAsync("ws", null, DateTimeOffset.UtcNow, CancellationToken.None))!.Id;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<RunRef> NewRun(string experiment = "e")
    {
        var runs = new SqlRunStore(_db);
        var id = await runs.CreateAsync(_workspace, new NewRun($"{experiment}_{Guid.NewGuid():N}", experiment, null, null, null, RunStatus.Running,
            new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, string>(), DateTimeOffset.UtcNow), null, CancellationToken.None);
        return (await runs.FindAsync(_workspace, id, CancellationToken.None))!;
    }

    private static ScalarSeries Series(string name, int count, int from = 0)
    {
        var series = new ScalarSeries(name);
        for (var i = 0; i < count; i++) { series.Steps.Add(null); series.Values.Add(from + i); series.TimesMs.Add(1_000 + i); }
        return series;
    }

    private async Task<List<MetricBlock>> Blocks(long metricId, bool withData = true)
    {
        var blocks = new List<MetricBlock>();
        await foreach (var b in new SqlMetricStore(_db).ReadBlocksAsync(metricId, withData, CancellationToken.None)) blocks.Add(b);
        return blocks;
    }

    [Fact]
    public async Task Migrations_run_once()
    {
        await _db.MigrateAsync(CancellationToken.None);
        Assert.NotNull(await new SqlWorkspaceStore(_db).FindAsync("ws", CancellationToken.None));
        Assert.Null(await new SqlWorkspaceStore(_db).CreateAsync("ws", null, DateTimeOffset.UtcNow, CancellationToken.None));
    }

    [Fact]
    public async Task Batches_append_blocks_of_at_most_the_capacity_in_logged_order()
    {
        var run = await NewRun();
        var metrics = new SqlMetricStore(_db);
        await metrics.AppendAsync(_workspace, run.Seq, [Series("m", 1000)], [], null, 0, CancellationToken.None);
        await metrics.AppendAsync(_workspace, run.Seq, [Series("m", 100, 1000)], [], null, 0, CancellationToken.None);
        await metrics.AppendAsync(_workspace, run.Seq, [Series("m", 3000, 1100)], [], null, 0, CancellationToken.None);
        var info = (await metrics.FindAsync(run.Seq, "m", CancellationToken.None))!;
        Assert.Equal(4100, info.Count);
        var blocks = await Blocks(info.Id);
        Assert.Equal([1000, 100, 1024, 1024, 952], blocks.Select(b => b.Summary.Count));
        var all = blocks.SelectMany(b => MetricBlocks.Decode(b.Data!).ToArray()).ToList();
        Assert.Equal(Enumerable.Range(0, 4100).Select(i => (long)i), all.Select(p => p.Step));
        Assert.Equal(Enumerable.Range(0, 4100).Select(i => (double)i), all.Select(p => p.Value));
        Assert.Equal((1100.0, 2123.0), (blocks[2].Summary.Min.Value, blocks[2].Summary.Max.Value));
        var summariesOnly = await Blocks(info.Id, withData: false);
        Assert.All(summariesOnly, b => Assert.Null(b.Data));
        Assert.Equal(blocks.Select(b => b.Summary), summariesOnly.Select(b => b.Summary));
    }

    [Fact]
    public async Task Many_small_batches_are_merged_into_full_blocks()
    {
        var run = await NewRun();
        var metrics = new SqlMetricStore(_db);
        for (var i = 0; i < 700; i++)
            await metrics.AppendAsync(_workspace, run.Seq, [Series("tiny", 3, from: 3 * i)], [], null, 0, CancellationToken.None);
        var info = (await metrics.FindAsync(run.Seq, "tiny", CancellationToken.None))!;
        var blocks = await Blocks(info.Id);
        Assert.Equal(2100, info.Count);
        Assert.True(blocks.Count < 20, $"{blocks.Count} blocks for 2,100 points");
        Assert.Equal(2, blocks.Count(b => b.Summary.Count == MetricBlocks.Capacity));
        Assert.Equal(Enumerable.Range(0, blocks.Count).Select(i => (long)i), blocks.Select(b => b.Seq));
        var all = blocks.SelectMany(b => MetricBlocks.Decode(b.Data!).ToArray()).ToList();
        Assert.Equal(Enumerable.Range(0, 2100).Select(i => (double)i), all.Select(p => p.Value));
        Assert.Equal(Enumerable.Range(0, 2100).Select(i => (long)i), all.Select(p => p.Step));
    }

    [Fact]
    public async Task Concurrent_appends_to_one_metric_and_one_log_lose_nothing()
    {
        var run = await NewRun();
        var metrics = new SqlMetricStore(_db);
        var logs = new SqlLogStore(_db);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await metrics.AppendAsync(_workspace, run.Seq, [Series("shared", 10)], [], new IdempotentRequest($"w{w}-{i}", "h"), 0, CancellationToken.None);
                await logs.AppendAsync(run.Seq, "std_log.txt", null, new byte[] { (byte)w }, CancellationToken.None);
            }
        })));
        var info = (await metrics.FindAsync(run.Seq, "shared", CancellationToken.None))!;
        Assert.Equal(2000, info.Count);
        var steps = (await Blocks(info.Id)).SelectMany(b => MetricBlocks.Decode(b.Data!).ToArray()).Select(p => p.Step).ToList();
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)i), steps);
        Assert.Equal(200, await logs.LengthAsync(run.Seq, "std_log.txt", CancellationToken.None));
    }

    [Fact]
    public async Task Batches_naming_the_same_metrics_in_opposite_orders_do_not_deadlock()
    {
        var run = await NewRun();
        var metrics = new SqlMetricStore(_db);
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => metrics.AppendAsync(_workspace, run.Seq,
            i % 2 == 0 ? [Series("a", 50), Series("b", 50)] : [Series("b", 50), Series("a", 50)], [], null, 0, CancellationToken.None))));
        Assert.Equal(600, (await metrics.FindAsync(run.Seq, "a", CancellationToken.None))!.Count);
        Assert.Equal(600, (await metrics.FindAsync(run.Seq, "b", CancellationToken.None))!.Count);
    }

    [Fact]
    public async Task A_failing_write_among_concurrent_ones_fails_alone()
    {
        var run = await NewRun();
        var metrics = new SqlMetricStore(_db);
        var rows = new RowSeries("scalar", MetricKinds.List);
        rows.Values.Add((null, "[1]", 0));
        await metrics.AppendAsync(_workspace, run.Seq, [Series("scalar", 1)], [], null, 0, CancellationToken.None);
        var writes = Enumerable.Range(0, 15).Select(i => i % 3 == 0
            ? metrics.AppendAsync(_workspace, run.Seq, [Series($"ok{i}", 5)], [rows], null, 0, CancellationToken.None)
            : metrics.AppendAsync(_workspace, run.Seq, [Series($"ok{i}", 5)], [], null, 0, CancellationToken.None)).ToList();
        foreach (var (write, i) in writes.Select((w, i) => (w, i)))
        {
            if (i % 3 == 0) Assert.Equal(ErrorCodes.InvalidRequest, (await Assert.ThrowsAsync<LoomException>(() => write)).Code);
            else Assert.Equal(5, (await write).Points);
        }
        var stored = await metrics.LatestAsync(run.Seq, CancellationToken.None);
        Assert.Equal(1 + 10, stored.Count);
        Assert.DoesNotContain("ok0", stored.Keys);
    }

    [Fact]
    public async Task A_batch_is_atomic_and_an_idempotent_replay_stores_nothing()
    {
        var run = await NewRun();
        var metrics = new SqlMetricStore(_db);
        var key = new IdempotentRequest("k1", "hash-a");
        var first = await metrics.AppendAsync(_workspace, run.Seq, [Series("a", 10)], [], key, 0, CancellationToken.None);
        var again = await metrics.AppendAsync(_workspace, run.Seq, [Series("a", 10)], [], key, 0, CancellationToken.None);
        Assert.Equal(first, again);
        Assert.Equal(10, (await metrics.FindAsync(run.Seq, "a", CancellationToken.None))!.Count);
        var reused = await Assert.ThrowsAsync<LoomException>(() =>
            metrics.AppendAsync(_workspace, run.Seq, [Series("a", 1)], [], new IdempotentRequest("k1", "hash-b"), 0, CancellationToken.None));
        Assert.Equal(ErrorCodes.IdempotencyKeyReused, reused.Code);

        var rows = new RowSeries("a", MetricKinds.List);
        rows.Values.Add((null, "[1]", 0));
        var mixed = await Assert.ThrowsAsync<LoomException>(() =>
            metrics.AppendAsync(_workspace, run.Seq, [Series("b", 5)], [rows], new IdempotentRequest("k2", "h"), 0, CancellationToken.None));
        Assert.Equal(ErrorCodes.InvalidRequest, mixed.Code);
        Assert.Null(await metrics.FindAsync(run.Seq, "b", CancellationToken.None));
        var retried = await metrics.AppendAsync(_workspace, run.Seq, [Series("b", 5)], [], new IdempotentRequest("k2", "h"), 0, CancellationToken.None);
        Assert.Equal(5, retried.Points);
    }

    [Fact]
    public async Task Expired_idempotency_keys_are_pruned_and_recent_ones_kept()
    {
        var run = await NewRun();
        var metrics = new SqlMetricStore(_db);
        await metrics.AppendAsync(_workspace, run.Seq, [Series("a", 1)], [], new IdempotentRequest("old", "h"), nowMs: 1_000, CancellationToken.None);
        await metrics.AppendAsync(_workspace, run.Seq, [Series("a", 1)], [], new IdempotentRequest("new", "h"), nowMs: 5_000, CancellationToken.None);
        Assert.Equal(1, await new SqlMaintenanceStore(_db).PruneIdempotencyKeysAsync(2_000, CancellationToken.None));
        await metrics.AppendAsync(_workspace, run.Seq, [Series("a", 1)], [], new IdempotentRequest("new", "h"), nowMs: 6_000, CancellationToken.None);
        Assert.Equal(2, (await metrics.FindAsync(run.Seq, "a", CancellationToken.None))!.Count);
        await new SqlMaintenanceStore(_db).RefreshStatisticsAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Log_chunks_read_back_across_their_boundaries()
    {
        var run = await NewRun();
        var logs = new SqlLogStore(_db);
        var text = string.Concat(Enumerable.Range(0, 50).Select(i => $"line {i}\n"));
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        for (var offset = 0; offset < bytes.Length; offset += 37)
            await logs.AppendAsync(run.Seq, "std_log.txt", offset, bytes.AsMemory(offset, Math.Min(37, bytes.Length - offset)), CancellationToken.None);
        await logs.AppendAsync(run.Seq, "std_log.txt", 30, bytes.AsMemory(30, 20), CancellationToken.None);
        Assert.Equal(bytes.Length, await logs.LengthAsync(run.Seq, "std_log.txt", CancellationToken.None));
        Assert.Equal(bytes, await logs.ReadAsync(run.Seq, "std_log.txt", 0, bytes.Length, CancellationToken.None));
        Assert.Equal(bytes[40..120], await logs.ReadAsync(run.Seq, "std_log.txt", 40, 80, CancellationToken.None));
        Assert.Equal(bytes[^5..], await logs.ReadAsync(run.Seq, "std_log.txt", bytes.Length - 5, 100, CancellationToken.None));
    }

    [Fact]
    public async Task Tokens_are_found_by_hash_until_revoked()
    {
        var tokens = new SqlTokenStore(_db);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await tokens.InsertAsync(new TokenRecord("tok_1", "ci", "h1", "*", Role.Reader, false, now, null, null), CancellationToken.None);
        var found = await tokens.FindByHashAsync("h1", CancellationToken.None);
        Assert.Equal(("tok_1", Role.Reader, now), (found!.Id, found.Role, found.CreatedTime));
        Assert.True(await tokens.RevokeAsync("tok_1", now, CancellationToken.None));
        Assert.NotNull((await tokens.FindByHashAsync("h1", CancellationToken.None))!.RevokedTime);
        Assert.False(await tokens.RevokeAsync("tok_2", now, CancellationToken.None));
    }

    [Fact]
    public async Task Deleting_a_workspace_removes_everything_in_it()
    {
        var run = await NewRun();
        await new SqlMetricStore(_db).AppendAsync(_workspace, run.Seq, [Series("m", 5)], [], new IdempotentRequest("k", "h"), 0, CancellationToken.None);
        await new SqlLogStore(_db).AppendAsync(run.Seq, "f", 0, new byte[] { 1 }, CancellationToken.None);
        await new SqlWorkspaceStore(_db).DeleteAsync(_workspace, CancellationToken.None);
        Assert.Null(await new SqlWorkspaceStore(_db).FindAsync("ws", CancellationToken.None));
        Assert.Null(await new SqlMetricStore(_db).FindAsync(run.Seq, "m", CancellationToken.None));
        Assert.Null(await new SqlLogStore(_db).LengthAsync(run.Seq, "f", CancellationToken.None));
    }
}

public sealed class SqliteStoreContractTests : StoreContractTests, IDisposable
{
    private readonly TempDirectory _folder = new();
    protected override Task<LoomDatabase> OpenAsync() => Task.FromResult<LoomDatabase>(new SqliteDatabase(_folder.Combine("loom.db")));
    public void Dispose() => _folder.Dispose();
}

[Collection("postgres")]
public sealed class PostgresStoreContractTests(PostgresFixture pg) : StoreContractTests
{
    protected override async Task<LoomDatabase> OpenAsync() => new PostgresDatabase(await pg.Server.CreateDatabaseAsync());
}
