using Loom.Serving;

namespace Loom.Tests.Serving.Host;

/// <summary>Replicas grow while requests wait for a worker and shrink back once fewer would do.</summary>
public sealed class ScalingTests : HostTestBase
{
    protected override DeploymentHostOptions Options()
    {
        var options = base.Options();
        options.ScaleDownAfter = TimeSpan.FromSeconds(2);
        return options;
    }

    [Fact]
    public async Task Replicas_scale_up_under_load_and_back_down_when_idle()
    {
        const string score = GateHelper + """
            def init():
                pass
            def run(raw_data):
                if raw_data.startswith("gate:"):
                    wait_for_gate(raw_data[5:])
                return "ok"
            """;
        await StartProvenAsync(await PlanAsync(score, minReplicas: 1, maxReplicas: 2, workers: 1, maxConcurrent: 8, variables: GateVariables()));
        Assert.Equal(1, Host.Runtime(WorkspaceId, Endpoint, "blue")!.Replicas);

        // One request holds the only worker; a second waits for one, and keeps waiting until a replica is added.
        var held = ScoreAsync("gate:load");
        await EnteredAsync("load");
        var waiting = ScoreAsync("x");
        await EventuallyAsync(() => Host.Runtime(WorkspaceId, Endpoint, "blue")!.Replicas == 2, "a second replica");
        Assert.Equal("ok", Ok(await waiting));
        Open("load");
        Assert.Equal("ok", Ok(await held));

        await EventuallyAsync(() => Host.Runtime(WorkspaceId, Endpoint, "blue")!.Replicas == 1, "the replica to be removed when idle");
        Assert.Equal("ok", Ok(await ScoreAsync("x")));
    }
}
