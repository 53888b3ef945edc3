using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Loom.Blobs;
using Loom.Contracts;
using Loom.Core.Serving;
using Loom.Serving;
using Loom.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loom.Tests.Serving.Host;

/// <summary>
/// A real <see cref="DeploymentHost"/> in a temp data folder, with a real blob store and Debian's Python running the
/// bundled worker. Plans are made from in-memory files put into the blob store.
/// </summary>
public abstract class HostTestBase : IAsyncLifetime
{
    public const string Python = "/usr/bin/python3";
    public const long WorkspaceId = 7;
    public const string Endpoint = "iris";
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly TempDirectory data = new("loom-serving");
    private FolderBlobStore? blobStore;
    private DeploymentHost? host;

    protected string DataDirectory => data.Path;

    protected DeploymentHost Host => host ?? throw new InvalidOperationException("Not initialized.");

    protected FolderBlobStore Blobs => blobStore ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Options for the host; tests that scale override this.</summary>
    protected virtual DeploymentHostOptions Options() => new() { DataDirectory = data.Path, Python = Python };

    public Task InitializeAsync()
    {
        blobStore = new FolderBlobStore(Path.Combine(data.Path, "blobs"));
        host = new DeploymentHost(Options(), blobStore, NullLogger<DeploymentHost>.Instance, TimeProvider.System);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (host is not null) await host.DisposeAsync().AsTask().WaitAsync(Bound);
        data.Dispose();
    }

    /// <summary>The system environment: the host's own interpreter as it is.</summary>
    protected static EnvironmentDto SystemEnvironment() => new("system", 1, "system", null, new Dictionary<string, string>(),
        new PythonSpec("agent"), null, new Dictionary<string, string>(), DateTimeOffset.UtcNow);

    protected async Task<IReadOnlyList<SnapshotEntryDto>> StoreAsync(IReadOnlyDictionary<string, string> files, int mode = 0b110_100_100)
    {
        var entries = new List<SnapshotEntryDto>();
        foreach (var (path, text) in files)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var info = await Blobs.PutAsync(new MemoryStream(bytes), null, CancellationToken.None);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), info.Sha256);
            entries.Add(new SnapshotEntryDto(path, bytes.Length, mode, info.Sha256));
        }
        return entries;
    }

    /// <summary>A plan serving <paramref name="score"/> as <c>score.py</c>, with the given models and sizing.</summary>
    protected async Task<DeploymentPlan> PlanAsync(string score, string deployment = "blue", int generation = 1,
        IReadOnlyList<DeployedModel>? models = null, int minReplicas = 1, int maxReplicas = 1, int workers = 1, int? maxConcurrent = null,
        int timeoutMs = 60_000, string? sample = null, IReadOnlyDictionary<string, string>? variables = null,
        IReadOnlyDictionary<string, string>? extraFiles = null)
    {
        var files = new Dictionary<string, string> { ["score.py"] = score };
        foreach (var (path, text) in extraFiles ?? new Dictionary<string, string>()) files[path] = text;
        models ??= [new DeployedModel("model", 1, await StoreAsync(new Dictionary<string, string> { ["model.txt"] = "weights" }))];
        return new DeploymentPlan(WorkspaceId, "default", Endpoint, deployment, generation, models, SystemEnvironment(), "snap",
            await StoreAsync(files), "score.py", minReplicas, maxReplicas, workers, maxConcurrent ?? workers * 4, timeoutMs, sample,
            variables ?? new Dictionary<string, string>());
    }

    protected async Task<DeploymentProof> StartAsync(DeploymentPlan plan)
    {
        var proof = await Host.StartAsync(plan, CancellationToken.None).WaitAsync(Bound);
        return proof;
    }

    protected async Task<DeploymentProof> StartProvenAsync(DeploymentPlan plan)
    {
        var proof = await StartAsync(plan);
        Assert.True(proof.Succeeded, $"{proof.Error}\n{proof.InitLog}\n{string.Join('\n', Logs(plan.Deployment))}");
        return proof;
    }

    protected Task<ScoreResult> ScoreAsync(string body, string deployment = "blue") =>
        Host.ScoreAsync(WorkspaceId, Endpoint, deployment, Encoding.UTF8.GetBytes(body), CancellationToken.None).WaitAsync(Bound);

    protected static string Text(ScoreResult result) => Encoding.UTF8.GetString(result.Body.Span);

    protected static string Ok(ScoreResult result)
    {
        Assert.True(result.ErrorCode is null, $"{result.ErrorCode}: {Text(result)}");
        return Text(result);
    }

    protected IReadOnlyList<string> Logs(string deployment = "blue") => Host.Logs(WorkspaceId, Endpoint, deployment, 5_000);

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds.</summary>
    protected static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Bound) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }

    /// <summary>Python that waits (bounded) until a file exists: lets a test hold a request in a worker without timing.</summary>
    protected const string GateHelper = """
        import os, time

        def wait_for_gate(name):
            path = os.path.join(os.environ["GATE_DIR"], name)
            open(path + ".entered", "w").close()
            deadline = time.time() + 60
            while not os.path.exists(path) and time.time() < deadline:
                time.sleep(0.01)

        """;

    protected string GateDirectory
    {
        get
        {
            var folder = Path.Combine(data.Path, "gates");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    protected Dictionary<string, string> GateVariables() => new() { ["GATE_DIR"] = GateDirectory };

    protected Task EnteredAsync(string gate) => EventuallyAsync(() => File.Exists(Path.Combine(GateDirectory, gate + ".entered")), $"gate {gate} entered");

    protected void Open(string gate) => File.WriteAllText(Path.Combine(GateDirectory, gate), "");
}
