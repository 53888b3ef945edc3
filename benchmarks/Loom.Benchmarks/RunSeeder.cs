using System.Diagnostics;
using System.Globalization;
using Loom.Contracts;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Benchmarks;

/// <summary>
/// Fills one experiment with runs, each with a metric <c>accuracy</c>, a param <c>lr</c> and a tag
/// <c>group</c>. Starts through the API (8 concurrent clients); when that pace would take more than
/// <see cref="ApiBudget"/> for all of them, the rest go straight through the server's own store classes
/// (<see cref="IRunStore"/>/<see cref="IMetricStore"/>, one write transaction per call, as the API does),
/// skipping only HTTP, auth and validation.
/// </summary>
public sealed class RunSeeder(BenchServer server, string experiment)
{
    public const int Concurrency = 8;
    public static readonly TimeSpan ApiBudget = TimeSpan.FromMinutes(2);

    public sealed record Result(int ViaApi, double ApiRunsPerSecond, int ViaStore, double StoreRunsPerSecond);

    public static double AccuracyOf(int i) => PointPlan.ValueOf(i, 11);

    public async Task<Result> SeedAsync(int total, CancellationToken cancellationToken)
    {
        var probe = Math.Min(total, 2_000);
        var watch = Stopwatch.StartNew();
        await ForAllAsync(0, probe, ViaApiAsync, cancellationToken);
        var apiRate = probe / watch.Elapsed.TotalSeconds;
        var viaApi = total / apiRate <= ApiBudget.TotalSeconds ? total : probe;
        if (viaApi > probe)
        {
            watch.Restart();
            await ForAllAsync(probe, viaApi, ViaApiAsync, cancellationToken);
            apiRate = (viaApi - probe) / watch.Elapsed.TotalSeconds;
        }
        if (viaApi == total) return new Result(total, apiRate, 0, 0);

        var workspace = await server.Server.Services.GetRequiredService<IWorkspaceStore>().FindAsync(BenchSettings.Workspace, cancellationToken)
            ?? throw new InvalidOperationException("No default workspace.");
        var runs = server.Server.Services.GetRequiredService<IRunStore>();
        var metrics = server.Server.Services.GetRequiredService<IMetricStore>();
        watch.Restart();
        await ForAllAsync(viaApi, total, (i, ct) => ViaStoreAsync(workspace.Id, runs, metrics, i, ct), cancellationToken);
        return new Result(viaApi, apiRate, total - viaApi, (total - viaApi) / watch.Elapsed.TotalSeconds);
    }

    private async Task ViaApiAsync(int i, CancellationToken cancellationToken)
    {
        var request = new CreateRunRequest(experiment, Params: new() { ["lr"] = LearningRate(i) }, Tags: new() { ["group"] = Group(i) });
        var run = await server.Api.CreateRunAsync(request, cancellationToken);
        var body = BenchApi.Utf8(string.Create(CultureInfo.InvariantCulture, $"{{\"points\":[{{\"name\":\"accuracy\",\"value\":{AccuracyOf(i):R},\"step\":0}}]}}"));
        await server.Api.SendAsync(BenchApi.MetricsPath(run.Id), body, $"seed-{run.Id}", cancellationToken);
    }

    private async Task ViaStoreAsync(long workspaceId, IRunStore runs, IMetricStore metrics, int i, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var id = string.Create(CultureInfo.InvariantCulture, $"{experiment}_{now.ToUnixTimeSeconds()}_{i:x8}");
        var empty = new Dictionary<string, string>();
        await runs.CreateAsync(workspaceId, new NewRun(id, experiment, null, null, null, RunStatus.Running,
            new Dictionary<string, string> { ["lr"] = LearningRate(i) }, new Dictionary<string, string> { ["group"] = Group(i) }, empty, now), null, cancellationToken);
        var run = await runs.FindAsync(workspaceId, id, cancellationToken) ?? throw new InvalidOperationException($"Run {id} was not stored.");
        var accuracy = new ScalarSeries("accuracy");
        accuracy.Steps.Add(0);
        accuracy.Values.Add(AccuracyOf(i));
        accuracy.TimesMs.Add(now.ToUnixTimeMilliseconds());
        await metrics.AppendAsync(workspaceId, run.Seq, [accuracy], [], null, now.ToUnixTimeMilliseconds(), cancellationToken);
    }

    private static string LearningRate(int i) => (PointPlan.ValueOf(i, 5) / 100).ToString("R", CultureInfo.InvariantCulture);

    private static string Group(int i) => "g" + (i % 10).ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="work"/> for every index in [from, to) with <see cref="Concurrency"/> workers.</summary>
    private static Task ForAllAsync(int from, int to, Func<int, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var next = from - 1;
        return Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < to) await work(i, cancellationToken);
        }, cancellationToken)));
    }
}
