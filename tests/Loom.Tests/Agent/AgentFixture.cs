using System.Text;
using Loom.Client;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Agent;

/// <summary>A server with an attached compute target <c>cpu</c> and one <c>loom agent</c> serving it, shared by a test class.</summary>
public sealed class AgentFixture : IAsyncLifetime
{
    public const string Compute = "cpu";
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    public TempDirectory Home { get; } = new("loom-agent-home");
    public TempDirectory Cache { get; } = new("loom-agent-cache");
    public TempDirectory Work { get; } = new("loom-agent-work");
    public LoomTestServer Server { get; private set; } = null!;
    internal AgentProcess Agent { get; private set; } = null!;

    public LoomClient Client => Server.Client;

    public async Task InitializeAsync()
    {
        Server = await LoomTestServer.StartAsync();
        await Client.Computes.CreateAsync("default", new CreateComputeRequest(Compute, "attached", MaxNodes: 2));
        Agent = AgentProcess.Start(Server, Home.Path, Compute, Cache.Path, "--work", Work.Path);
    }

    public async Task DisposeAsync()
    {
        await Agent.DisposeAsync();
        await Server.DisposeAsync();
        Home.Dispose();
        Cache.Dispose();
        Work.Dispose();
    }

    /// <summary>Snapshots <paramref name="files"/> (path → content) and submits a run of them.</summary>
    public async Task<RunDto> SubmitAsync(IReadOnlyDictionary<string, string> files, SubmitRunRequest request)
    {
        using var source = new TempDirectory("loom-agent-src");
        foreach (var (path, content) in files)
        {
            var full = source.Combine(path.Split('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }
        var snapshot = await Client.Snapshots.CreateFromFolderAsync("default", source.Path);
        return await Client.Runs.SubmitAsync("default", request with { SnapshotId = snapshot.Id, Compute = request.Compute ?? Compute });
    }

    /// <summary>Waits (bounded) for the run to end and returns it.</summary>
    public async Task<RunDto> WaitForEndAsync(string runId)
    {
        RunDto? run = null;
        var ended = await AgentTestTools.EventuallyAsync(async () => (run = await Client.Runs.GetAsync("default", runId)).Status.IsTerminal(), RunTimeout);
        Assert.True(ended, $"run {runId} is still {run?.Status}; agent stderr:\n{Agent.Stderr}");
        return run!;
    }

    /// <summary>A log of the run as text ("" when it does not exist).</summary>
    public async Task<string> LogAsync(string runId, string file)
    {
        try
        {
            return Encoding.UTF8.GetString((await Client.Logs.ReadAsync("default", runId, file)).Data);
        }
        catch (LoomNotFoundException)
        {
            return "";
        }
    }

    /// <summary>Waits (bounded) until a log contains <paramref name="text"/>; returns the log.</summary>
    public async Task<string> WaitForLogAsync(string runId, string file, string text)
    {
        var log = "";
        var seen = await AgentTestTools.EventuallyAsync(async () => (log = await LogAsync(runId, file)).Contains(text, StringComparison.Ordinal), RunTimeout);
        Assert.True(seen, $"{file} of {runId} never showed '{text}': {log}\nagent stderr:\n{Agent.Stderr}");
        return log;
    }
}
