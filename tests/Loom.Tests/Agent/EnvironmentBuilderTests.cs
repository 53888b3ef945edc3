using System.Text;
using Loom.Agent.Environments;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Agent;

/// <summary>Real venvs built with Debian's Python and pip, offline, in a temp cache.</summary>
public sealed class EnvironmentBuilderTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory cache = new("loom-agent-cache");
    private readonly TempDirectory wheels = new("loom-wheels");

    public Task InitializeAsync() => AgentTestTools.BuildTinyWheelAsync(wheels.Path);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        cache.Dispose();
        wheels.Dispose();
    }

    private EnvironmentDto Environment(string hash, params string[] requirements) => new(
        "tiny", 1, hash, null, new Dictionary<string, string>(),
        new PythonSpec("python3", requirements, new PipOptions(FindLinks: [wheels.Path], NoIndex: true), SystemSitePackages: true),
        null, new Dictionary<string, string>(), DateTimeOffset.UtcNow);

    [Fact]
    public async Task Builds_a_venv_offline_with_system_site_packages_then_reuses_it()
    {
        var builder = new EnvironmentBuilder(cache.Path, AgentTestTools.Python);
        var log = new StringBuilder();
        // tinypkg comes from the local wheel; 'wheel' is satisfied by Debian's python3-wheel through the system site packages.
        var built = await builder.PrepareAsync(Environment("h1", "tinypkg==1.0", "wheel"), data => { lock (log) log.Append(Encoding.UTF8.GetString(data.Span)); });

        Assert.False(built.Reused);
        Assert.Equal(builder.VenvFolder("h1"), built.VenvDirectory);
        Assert.True(File.Exists(Path.Combine(built.VenvDirectory!, EnvironmentBuilder.MarkerFile)));
        var text = log.ToString();
        Assert.Contains("-m venv --system-site-packages", text);
        Assert.Contains($"--find-links {wheels.Path} --no-index -r", text);
        Assert.Contains("Successfully installed tinypkg-1.0", text);
        Assert.Contains("Requirement already satisfied: wheel", text);

        var (code, output) = await AgentTestTools.RunAsync(built.Python, "-c", "import sys, tinypkg, wheel; print(tinypkg.VALUE, sys.prefix)");
        Assert.True(code == 0, output);
        Assert.Equal($"42 {built.VenvDirectory}", output.Trim());

        var again = new StringBuilder();
        var reused = await builder.PrepareAsync(Environment("h1", "tinypkg==1.0", "wheel"), data => again.Append(Encoding.UTF8.GetString(data.Span)));
        Assert.True(reused.Reused);
        Assert.Equal(built.Python, reused.Python);
        Assert.Equal("", again.ToString());
    }

    [Fact]
    public async Task Two_concurrent_builds_of_one_hash_build_once()
    {
        var logs = new[] { new StringBuilder(), new StringBuilder() };
        var builds = Enumerable.Range(0, 2).Select(i => Task.Run(() =>
            new EnvironmentBuilder(cache.Path, AgentTestTools.Python).PrepareAsync(Environment("shared", "tinypkg"),
                data => { lock (logs[i]) logs[i].Append(Encoding.UTF8.GetString(data.Span)); })));
        var results = await Task.WhenAll(builds).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Single(results, r => !r.Reused);
        Assert.Single(results, r => r.Reused);
        Assert.Equal(results[0].Python, results[1].Python);
        Assert.Single(logs, l => l.ToString().Contains("-m venv", StringComparison.Ordinal));
        Assert.Single(logs, l => l.Length == 0);
    }

    [Fact]
    public async Task A_failed_build_throws_with_pips_last_lines_and_leaves_nothing()
    {
        var builder = new EnvironmentBuilder(cache.Path, AgentTestTools.Python);
        var log = new StringBuilder();
        var failure = await Assert.ThrowsAsync<EnvironmentBuildException>(() =>
            builder.PrepareAsync(Environment("bad", "no-such-package-loom==9.9"), data => log.Append(Encoding.UTF8.GetString(data.Span))));

        Assert.Contains("No matching distribution found for no-such-package-loom==9.9", failure.OutputTail);
        Assert.True(failure.OutputTail.Split('\n').Length <= 15);
        Assert.Contains("No matching distribution", log.ToString());
        Assert.False(Directory.Exists(builder.VenvFolder("bad")));
    }

    [Fact]
    public async Task The_agent_interpreter_is_used_as_it_is()
    {
        var builder = new EnvironmentBuilder(cache.Path, AgentTestTools.Python);
        var system = Environment("sys") with { Python = new PythonSpec(EnvironmentBuilder.AgentInterpreter) };
        var prepared = await builder.PrepareAsync(system, _ => throw new InvalidOperationException("nothing is built"));
        Assert.Equal(AgentTestTools.Python, prepared.Python);
        Assert.Null(prepared.VenvDirectory);
        Assert.False(Directory.Exists(Path.Combine(cache.Path, "envs")));
    }

    [Fact]
    public async Task A_canceled_build_stops_and_leaves_nothing()
    {
        var builder = new EnvironmentBuilder(cache.Path, AgentTestTools.Python);
        using var cancel = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var build = builder.PrepareAsync(Environment("canceled", "tinypkg"), _ => started.TrySetResult(), cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => build.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(Path.Combine(builder.VenvFolder("canceled"), EnvironmentBuilder.MarkerFile)));
        Assert.False(Directory.Exists(builder.VenvFolder("canceled")));
    }
}
