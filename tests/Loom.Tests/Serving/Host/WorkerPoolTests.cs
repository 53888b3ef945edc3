using Loom.Serving;
using Loom.Serving.Workers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loom.Tests.Serving.Host;

/// <summary>A worker pool driven directly: how its workers end.</summary>
public sealed class WorkerPoolTests : HostTestBase
{
    [Fact]
    public async Task A_closed_queue_retires_the_workers_and_starts_no_new_process()
    {
        const string score = """
            def init():
                pass
            def run(raw_data):
                return raw_data
            """;
        var folder = Path.Combine(DataDirectory, "pool-src");
        Directory.CreateDirectory(folder);
        var script = Path.Combine(folder, "score.py");
        await File.WriteAllTextAsync(script, score);
        var environment = new Dictionary<string, string?>
        {
            ["PYTHONPATH"] = Path.Combine(AppContext.BaseDirectory, "python"),
            ["LOOM_ENTRY_SCRIPT"] = script,
            ["PYTHONUNBUFFERED"] = "1",
        };
        var options = Options();
        var launch = new WorkerLaunch(Python, folder, environment, options.StopGrace, options.MaxResponseBytes);
        var plan = await PlanAsync(score, workers: 2);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var pool = new WorkerPool(plan, Path.Combine(DataDirectory, "pool"), launch, options, TimeProvider.System, log.Enqueue, NullLogger.Instance);
        try
        {
            var (proof, _) = await pool.ProveAsync(0, CancellationToken.None).WaitAsync(Bound);
            Assert.True(proof.Succeeded, proof.Error);
            Assert.Equal(2, pool.ProcessIds.Count);

            // The queue closes before the workers are told to retire (as stopping does): a worker that finds it closed
            // is done; it used to take it for a lost process and start another.
            pool.CloseQueue();
            await EventuallyAsync(() => pool.ProcessIds.Count == 0, "every worker to end");
            Assert.Equal(0, pool.Runtime().Workers);
            Assert.DoesNotContain(log, l => l.Contains("restarting", StringComparison.Ordinal));
        }
        finally
        {
            await pool.DisposeAsync().AsTask().WaitAsync(Bound);
        }
    }
}
