using System.Globalization;
using System.Text;
using Loom.Contracts;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Benchmarks;

/// <summary>
/// Fills the Studio benchmark's workspace: one experiment of finished runs, each with params <c>lr</c> and <c>depth</c>,
/// tag <c>group</c>, compute <c>cpu-cluster</c> and metrics <c>accuracy</c> and <c>loss</c>, written through the server's own
/// store classes (<see cref="IRunStore"/>, <see cref="IMetricStore"/>: the API's SQL and transactions without HTTP, 16 at
/// once); and one run with a long metric logged through the metrics batch API, 10,000 points a request.
/// </summary>
public sealed class StudioSeeder(BenchServer server)
{
    public const string Experiment = "studio";
    public const string LongMetric = "loss";
    private const int Concurrency = 16;

    /// <summary>A permutation of [0, runs): every run has its own accuracy, so exactly one is the best.</summary>
    public static double AccuracyOf(int i, int runs) => (long)i * 7919 % runs / (double)runs;

    public static string RunId(int i) => string.Create(CultureInfo.InvariantCulture, $"{Experiment}_{i:d6}");

    /// <summary>The id of the run with the highest accuracy.</summary>
    public static string BestRun(int runs) => RunId(Enumerable.Range(0, runs).MaxBy(i => AccuracyOf(i, runs)));

    public async Task SeedRunsAsync(int runs, CancellationToken cancellationToken)
    {
        var workspace = await server.Server.Services.GetRequiredService<IWorkspaceStore>().FindAsync(BenchSettings.Workspace, cancellationToken)
            ?? throw new InvalidOperationException("No default workspace.");
        var store = server.Server.Services.GetRequiredService<IRunStore>();
        var metrics = server.Server.Services.GetRequiredService<IMetricStore>();
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < runs)
            {
                var created = start.AddMilliseconds(i * 500.0);
                var id = RunId(i);
                await store.CreateAsync(workspace.Id, new NewRun(id, Experiment, null, $"trial-{i}", null, RunStatus.Running,
                    new Dictionary<string, string>
                    {
                        ["lr"] = ((1 + i % 100) / 10_000.0).ToString("R", CultureInfo.InvariantCulture),
                        ["depth"] = (2 + i % 10).ToString(CultureInfo.InvariantCulture),
                    },
                    new Dictionary<string, string> { ["group"] = "g" + (i % 10).ToString(CultureInfo.InvariantCulture) },
                    new Dictionary<string, string> { ["loom.compute"] = "cpu-cluster" }, created), null, cancellationToken);
                var run = await store.FindAsync(workspace.Id, id, cancellationToken) ?? throw new InvalidOperationException($"Run {id} was not stored.");
                var accuracy = AccuracyOf(i, runs);
                var ms = created.AddSeconds(30).ToUnixTimeMilliseconds();
                await metrics.AppendAsync(workspace.Id, run.Seq, [Series("accuracy", accuracy, ms), Series("loss", 1 - accuracy, ms)], [], null, ms, cancellationToken);
                await store.UpdateAsync(workspace.Id, id, new UpdateRunRequest(Status: RunStatus.Completed), created.AddSeconds(30 + i % 600), cancellationToken);
            }
        }, cancellationToken)));
    }

    /// <summary>Logs <paramref name="points"/> points of <see cref="LongMetric"/> to a new run of its own experiment; returns the run's id.</summary>
    public async Task<string> SeedLongMetricAsync(int points, CancellationToken cancellationToken)
    {
        var run = await server.Api.CreateRunAsync(new CreateRunRequest("studio-long", DisplayName: "long-training"), cancellationToken);
        const int batch = 10_000;
        for (var first = 0; first < points; first += batch)
            await server.Api.SendAsync(BenchApi.MetricsPath(run.Id), DecayingCurve.Batch(LongMetric, first, Math.Min(batch, points - first)), $"long-{first}", cancellationToken);
        var history = await server.Api.GetAsync<MetricHistory>($"{BenchApi.MetricsPath(run.Id)}/{LongMetric}/history?maxPoints=10", cancellationToken);
        if (history.Count != points) throw new InvalidOperationException($"The long metric holds {history.Count:N0} points of {points:N0}.");
        return run.Id;
    }

    private static ScalarSeries Series(string name, double value, long ms)
    {
        var series = new ScalarSeries(name);
        series.Steps.Add(0);
        series.Values.Add(value);
        series.TimesMs.Add(ms);
        return series;
    }
}
