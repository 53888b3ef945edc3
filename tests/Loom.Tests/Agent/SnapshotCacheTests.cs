using Loom.Agent.Snapshots;
using Loom.TestKit;

namespace Loom.Tests.Agent;

/// <summary>The agent's snapshot cache against a real server.</summary>
public sealed class SnapshotCacheTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory source = new("loom-src");
    private readonly TempDirectory cache = new("loom-agent-cache");
    private readonly TempDirectory work = new("loom-work");
    private LoomTestServer server = null!;

    public async Task InitializeAsync()
    {
        server = await LoomTestServer.StartAsync();
        File.WriteAllText(source.Combine("train.py"), "print('hi')\n");
        Directory.CreateDirectory(source.Combine("pkg"));
        File.WriteAllText(source.Combine("pkg", "util.py"), "X = 1\n");
        File.WriteAllText(source.Combine("run.sh"), "#!/bin/sh\necho run\n");
        File.SetUnixFileMode(source.Combine("run.sh"), (UnixFileMode)0b111_101_101);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose()
    {
        source.Dispose();
        cache.Dispose();
        work.Dispose();
    }

    [Fact]
    public async Task Downloads_once_then_serves_from_the_cache_and_copies_with_file_modes()
    {
        var snapshot = await server.Client.Snapshots.CreateFromFolderAsync("default", source.Path);
        var snapshots = new SnapshotCache(cache.Path, server.Client.Snapshots);

        var first = await snapshots.GetAsync("default", snapshot.Id);
        Assert.False(first.FromCache);
        Assert.Equal(3, first.Entries.Count);
        var second = await new SnapshotCache(cache.Path, server.Client.Snapshots).GetAsync("default", snapshot.Id);
        Assert.True(second.FromCache);
        Assert.Empty(Directory.GetDirectories(Path.Combine(cache.Path, "snapshots"), "*.tmp-*"));

        var target = work.Combine("run1");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "stale.txt"), "from an earlier run");
        SnapshotCache.CopyTo(second, target);
        Assert.Equal(["pkg/util.py", "run.sh", "train.py"],
            Directory.GetFiles(target, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(target, f)).Order(StringComparer.Ordinal));
        Assert.Equal("print('hi')\n", File.ReadAllText(Path.Combine(target, "train.py")));
        Assert.True((File.GetUnixFileMode(Path.Combine(target, "run.sh")) & UnixFileMode.UserExecute) != 0);
        Assert.True((File.GetUnixFileMode(Path.Combine(target, "train.py")) & UnixFileMode.UserExecute) == 0);
    }

    [Fact]
    public async Task Two_agents_sharing_a_cache_fetch_a_snapshot_once()
    {
        var snapshot = await server.Client.Snapshots.CreateFromFolderAsync("default", source.Path);
        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            Task.Run(() => new SnapshotCache(cache.Path, server.Client.Snapshots).GetAsync("default", snapshot.Id)))).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Single(results, r => !r.FromCache);
        Assert.Equal(results[0].Folder, results[1].Folder);
    }

    [Fact]
    public async Task An_unknown_snapshot_is_a_clear_error()
    {
        var snapshots = new SnapshotCache(cache.Path, server.Client.Snapshots);
        var error = await Assert.ThrowsAsync<Loom.Client.LoomNotFoundException>(() => snapshots.GetAsync("default", new string('0', 64)));
        Assert.Equal("snapshot_not_found", error.Code);
        await Assert.ThrowsAsync<InvalidDataException>(() => snapshots.GetAsync("default", "../escape"));
    }
}
