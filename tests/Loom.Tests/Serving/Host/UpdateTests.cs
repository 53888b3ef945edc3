using System.Collections.Concurrent;
using Loom.Core.Serving;

namespace Loom.Tests.Serving.Host;

/// <summary>Generations replace each other without dropping requests; a failed update leaves the old one serving.</summary>
public sealed class UpdateTests : HostTestBase
{
    private static string Versioned(string version) => GateHelper + $$"""
        def init():
            pass

        def run(raw_data):
            if raw_data.startswith("gate:"):
                wait_for_gate(raw_data[5:])
            return "{{version}}"
        """;

    [Fact]
    public async Task An_update_swaps_generations_while_a_client_keeps_sending_and_none_fails()
    {
        await StartProvenAsync(await PlanAsync(Versioned("v1"), workers: 2, variables: GateVariables()));
        // A request held inside a generation-1 worker across the swap: it must be answered by generation 1.
        var held = ScoreAsync("gate:held");
        await EnteredAsync("held");

        var results = new ConcurrentQueue<ScoreResult>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) results.Enqueue(await ScoreAsync("x"));
        })).ToArray();
        await EventuallyAsync(() => results.Count >= 20, "requests to generation 1");

        var proof = await StartProvenAsync(await PlanAsync(Versioned("v2"), generation: 2, workers: 2, variables: GateVariables()));
        Assert.True(proof.Succeeded);
        var afterSwap = results.Count;
        await EventuallyAsync(() => results.Count >= afterSwap + 20, "requests to generation 2");
        Open("held");
        Assert.Equal("v1", Ok(await held));
        await stop.CancelAsync();
        await Task.WhenAll(clients).WaitAsync(Bound);

        Assert.All(results, r => Assert.Null(r.ErrorCode));
        var bodies = results.Select(Text).ToList();
        Assert.Contains("v1", bodies);
        Assert.Contains("v2", bodies);
        // Once v2 answered, nothing later came from v1 (for each client the order holds; overall, v2 ends the run).
        Assert.Equal("v2", bodies[^1]);
        Assert.Equal(2, Host.Runtime(WorkspaceId, Endpoint, "blue")!.Generation);
        Assert.Equal("v2", Ok(await ScoreAsync("x")));
        await EventuallyAsync(() => !Directory.Exists(Path.Combine(DataDirectory, "serving", "7", Endpoint, "blue", "1")), "generation 1's folder to go");
    }

    [Fact]
    public async Task A_failed_update_leaves_the_serving_generation_in_place()
    {
        await StartProvenAsync(await PlanAsync(Versioned("v1")));
        var failed = await StartAsync(await PlanAsync("def init():\n    raise RuntimeError('bad model')\ndef run(d):\n    return d\n", generation: 2));
        Assert.False(failed.Succeeded);
        Assert.Contains("RuntimeError: bad model", failed.InitLog);
        Assert.Equal(1, Host.Runtime(WorkspaceId, Endpoint, "blue")!.Generation);
        Assert.Equal("v1", Ok(await ScoreAsync("x")));
    }

    [Fact]
    public async Task Stopping_answers_requests_in_flight_then_stops_every_worker()
    {
        await StartProvenAsync(await PlanAsync(Versioned("v1"), variables: GateVariables()));
        var held = ScoreAsync("gate:stop");
        await EnteredAsync("stop");

        var stopping = Host.StopAsync(WorkspaceId, Endpoint, "blue", CancellationToken.None);
        await EventuallyAsync(() => Host.Runtime(WorkspaceId, Endpoint, "blue") is null, "the deployment to stop serving");
        Assert.Equal("deployment_not_ready", (await ScoreAsync("x")).ErrorCode);
        Assert.False(stopping.IsCompleted);
        Open("stop");
        Assert.Equal("v1", Ok(await held));
        await stopping.WaitAsync(Bound);
        Assert.False(Directory.Exists(Path.Combine(DataDirectory, "serving", "7", Endpoint, "blue", "1")));
    }

    [Fact]
    public async Task An_update_under_load_starts_with_as_many_replicas_as_serve_within_its_bounds()
    {
        await StartProvenAsync(await PlanAsync(Versioned("v1"), minReplicas: 1, maxReplicas: 3, workers: 1, maxConcurrent: 4, variables: GateVariables()));
        // One request holds the only worker; a second waits until a replica is added for it, and is held there too.
        var first = ScoreAsync("gate:first");
        await EnteredAsync("first");
        var second = ScoreAsync("gate:second");
        await EnteredAsync("second");
        Assert.Equal(2, Host.Runtime(WorkspaceId, Endpoint, "blue")!.Replicas);

        // The new generation starts at the serving one's 2 replicas, not at its minimum of 1.
        await StartProvenAsync(await PlanAsync(Versioned("v2"), generation: 2, minReplicas: 1, maxReplicas: 3, workers: 1, maxConcurrent: 4));
        var runtime = Host.Runtime(WorkspaceId, Endpoint, "blue")!;
        Assert.Equal(2, runtime.Generation);
        Assert.Equal(2, runtime.Replicas);
        Assert.Equal(2, runtime.Workers);

        // Within the new bounds: a maximum of 1 wins over the 2 serving.
        await StartProvenAsync(await PlanAsync(Versioned("v3"), generation: 3, minReplicas: 1, maxReplicas: 1, workers: 1));
        Assert.Equal(1, Host.Runtime(WorkspaceId, Endpoint, "blue")!.Replicas);

        Open("first");
        Open("second");
        Assert.Equal("v1", Ok(await first));
        Assert.Equal("v1", Ok(await second));
        Assert.Equal("v3", Ok(await ScoreAsync("x")));
    }
}
