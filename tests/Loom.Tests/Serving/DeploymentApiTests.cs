using System.Net;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Serving;

/// <summary>Deployments over REST, proven by the fake host; subclassed per metadata provider in Api/Providers.cs.</summary>
public abstract class DeploymentApiTests : ServingApiTestBase
{
    private async Task<List<string>> Listed(string endpoint) =>
        (await Get<ListResult<DeploymentDto>>($"{Endpoints}/{endpoint}/deployments")).Value.Select(d => $"{d.Name}:{d.State}").ToList();

    [Fact]
    public async Task A_deployment_is_updating_until_proven_then_succeeds_and_takes_all_traffic()
    {
        await Model("iris");
        await Model("iris", content: "v2");
        var snapshot = await Source(("lib/util.py", "X = 1\n"));
        await Endpoint("iris");
        Host.Hold();
        var created = await HttpAssert.Json<DeploymentDto>(HttpStatusCode.Created, await Post($"{Endpoints}/iris/deployments", new
        {
            name = "blue", models = new[] { "iris" }, snapshotId = snapshot, entryScript = "score.py", minReplicas = 2, sampleRequest = "{\"data\": [1]}",
            variables = new Dictionary<string, string> { ["MODE"] = "fast" },
        }));
        Assert.Equal(("blue", "iris", DeploymentStates.Updating, 1), (created.Name, created.Endpoint, created.State, created.Generation));
        Assert.Equal(["iris:2"], created.Models);
        Assert.Equal("system:1", created.Environment);
        Assert.Equal((2, 2, 2, 8, 60_000), (created.MinReplicas, created.MaxReplicas, created.WorkersPerReplica, created.MaxConcurrentRequestsPerReplica,
            created.RequestTimeoutMs));
        Assert.Equal((snapshot, "score.py"), (created.SnapshotId, created.EntryScript));
        Assert.Null(created.Error);
        Assert.Null(created.InitLog);
        Assert.Equal(DeploymentStates.Updating, (await Get<DeploymentDto>($"{Endpoints}/iris/deployments/blue")).State);
        Assert.Empty((await Get<EndpointDto>($"{Endpoints}/iris")).Traffic);
        Assert.Equal(["blue"], (await Get<EndpointDto>($"{Endpoints}/iris")).Deployments);

        Host.Release();
        var proven = await Settled("iris", "blue");
        Assert.Equal((2, 1), (proven.Replicas, proven.Generation));
        Assert.True(proven.UpdatedTime >= created.UpdatedTime);
        Assert.Equal(new Dictionary<string, int> { ["blue"] = 100 }, (await Get<EndpointDto>($"{Endpoints}/iris")).Traffic);

        // What the host was asked to run: the model's files, the source files, the environment and sizing.
        var plan = Assert.Single(Host.Started);
        Assert.Equal(("default", "iris", "blue", 1), (plan.Workspace, plan.Endpoint, plan.Deployment, plan.Generation));
        var model = Assert.Single(plan.Models);
        Assert.Equal(("iris", 2, "model.pkl"), (model.Name, model.Version, Assert.Single(model.Files).Path));
        Assert.Equal(["lib/util.py", "score.py"], plan.SourceFiles.Select(f => f.Path));
        Assert.Equal(("system", "score.py", "{\"data\": [1]}", "fast"), (plan.Environment.Name, plan.EntryScript, plan.SampleRequest, plan.Variables["MODE"]));

        // A second deployment does not take traffic from the first.
        await Deploy("iris", "green", new { models = new[] { "iris:1" }, snapshotId = snapshot, entryScript = "score.py" });
        Assert.Equal(new Dictionary<string, int> { ["blue"] = 100 }, (await Get<EndpointDto>($"{Endpoints}/iris")).Traffic);
        Assert.Equal(["blue:Succeeded", "green:Succeeded"], await Listed("iris"));
        var logs = await Get<DeploymentLogsDto>($"{Endpoints}/iris/deployments/blue/logs?lines=5");
        Assert.Contains(logs.Lines, l => l.Contains(FakeDeploymentHost.InitLogLine, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_proof_keeps_the_error_and_init_log_and_the_previous_generation_serves()
    {
        var (_, snapshot) = await Deployed();
        await Model("iris", content: "v2");
        var failed = await HttpAssert.Json<DeploymentDto>(HttpStatusCode.OK, await Patch($"{Endpoints}/iris/deployments/blue",
            new { models = new[] { "iris:2" }, variables = new Dictionary<string, string> { ["FAKE_FAIL"] = "ModuleNotFoundError: No module named 'sklearn'" } }));
        Assert.Equal((2, DeploymentStates.Updating), (failed.Generation, failed.State));
        Assert.Equal(["iris:2"], failed.Models);
        var settled = await Settled("iris", "blue", DeploymentStates.Failed);
        Assert.Equal("ModuleNotFoundError: No module named 'sklearn'", settled.Error);
        Assert.Contains(FakeDeploymentHost.InitLogLine, settled.InitLog);
        Assert.Contains("Traceback", settled.InitLog);

        // Generation 1 still answers.
        var keys = await Keys("iris");
        var answer = await HttpAssert.Json<Dictionary<string, object>>(HttpStatusCode.OK, await Score("iris", "{\"data\": 1}", keys.PrimaryKey));
        Assert.Equal("1", answer["generation"].ToString());
        // The model version of the serving generation stays in use too.
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.ModelInUse, await Http.DeleteAsync($"{Ws}/models/iris/versions/1"));

        // A fix is generation 3; the error goes.
        var fixedOne = await HttpAssert.Json<DeploymentDto>(HttpStatusCode.OK, await Patch($"{Endpoints}/iris/deployments/blue",
            new { variables = new Dictionary<string, string>(), workersPerReplica = 3 }));
        Assert.Equal((3, 3, 12, snapshot), (fixedOne.Generation, fixedOne.WorkersPerReplica, fixedOne.MaxConcurrentRequestsPerReplica, fixedOne.SnapshotId));
        var proven = await Settled("iris", "blue");
        Assert.Null(proven.Error);
        Assert.Null(proven.InitLog);
        answer = await HttpAssert.Json<Dictionary<string, object>>(HttpStatusCode.OK, await Score("iris", "{\"data\": 1}", keys.PrimaryKey));
        Assert.Equal("3", answer["generation"].ToString());
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Ws}/models/iris/versions/1"));
    }

    [Fact]
    public async Task A_model_version_is_not_deleted_while_a_deployment_uses_it()
    {
        await Deployed();
        var problem = await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.ModelInUse, await Http.DeleteAsync($"{Ws}/models/iris/versions/1"));
        Assert.Contains("iris/blue", problem.Detail);
        Assert.Equal(1, (await Get<ModelDto>($"{Ws}/models/iris/versions/1")).Version);
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Endpoints}/iris/deployments/blue"));
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Ws}/models/iris/versions/1"));
    }

    [Fact]
    public async Task A_deployment_with_traffic_beside_others_is_not_deleted_and_deleting_stops_it()
    {
        var (_, snapshot) = await Deployed();
        await Deploy("iris", "green", new { models = new[] { "iris:1" }, snapshotId = snapshot, entryScript = "score.py" });
        var problem = await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.DeploymentHasTraffic, await Http.DeleteAsync($"{Endpoints}/iris/deployments/blue"));
        Assert.Contains("100%", problem.Detail);
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Endpoints}/iris/deployments/green"));
        Assert.Contains("iris/green", Host.Stopped);
        // The only deployment goes with its traffic.
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Endpoints}/iris/deployments/blue"));
        var endpoint = await Get<EndpointDto>($"{Endpoints}/iris");
        Assert.Empty(endpoint.Traffic);
        Assert.Empty(endpoint.Deployments);
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.DeploymentNotFound, await Http.DeleteAsync($"{Endpoints}/iris/deployments/blue"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.DeploymentNotFound, await Http.GetAsync($"{Endpoints}/iris/deployments/blue"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EndpointNotFound, await Http.DeleteAsync($"{Endpoints}/none/deployments/blue"));

        // Deleting an endpoint stops and deletes its deployments.
        await Deploy("iris", "red", new { models = new[] { "iris:1" }, snapshotId = snapshot, entryScript = "score.py" });
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Endpoints}/iris"));
        Assert.Contains("iris/red", Host.Stopped);
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EndpointNotFound, await Http.GetAsync($"{Endpoints}/iris/deployments"));
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Ws}/models/iris/versions/1"));
    }

    [Fact]
    public async Task Bad_deployments_are_their_problem_and_store_nothing()
    {
        await Model("iris");
        await Model("net", "net.onnx", "onnx bytes");
        var snapshot = await Source();
        await Endpoint("iris");
        var ok = new Dictionary<string, object?> { ["name"] = "blue", ["models"] = new[] { "iris:1" }, ["snapshotId"] = snapshot, ["entryScript"] = "score.py" };
        Dictionary<string, object?> With(string key, object? value) => new(ok) { [key] = value };

        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EndpointNotFound, await Post($"{Endpoints}/none/deployments", ok));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Post($"{Endpoints}/iris/deployments", With("name", "no good")));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Post($"{Endpoints}/iris/deployments", With("name", null)));
        foreach (var (key, value) in new (string, object?)[]
                 {
                     ("models", new[] { "iris:0" }), ("models", new[] { "iris:x" }), ("models", new[] { "bad name" }), ("models", new[] { "iris:1", "iris:1" }),
                     ("entryScript", "missing.py"), ("entryScript", "../score.py"), ("entryScript", null),
                     ("snapshotId", null), ("minReplicas", 0), ("minReplicas", 101), ("maxReplicas", 0), ("workersPerReplica", 0),
                     ("workersPerReplica", 65), ("maxConcurrentRequestsPerReplica", 1), ("requestTimeoutMs", 0), ("sampleRequest", "not json"),
                     ("variables", new Dictionary<string, string> { ["1BAD"] = "x" }), ("environment", "no good"),
                 })
        {
            var problem = await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidDeployment, await Post($"{Endpoints}/iris/deployments", With(key, value)));
            Assert.False(string.IsNullOrEmpty(problem.Detail), key);
        }
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Post($"{Endpoints}/iris/deployments", With("models", new[] { "iris:9" })));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Post($"{Endpoints}/iris/deployments", With("models", new[] { "rose" })));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EnvironmentNotFound, await Post($"{Endpoints}/iris/deployments", With("environment", "sklearn:3")));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.SnapshotNotFound,
            await Post($"{Endpoints}/iris/deployments", With("snapshotId", new string('a', 64))));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await Post($"{Endpoints}/iris/deployments", With("minReplicas", "two")));
        Assert.Empty(await Listed("iris"));
        Assert.Empty(Host.Started);

        // A no-code ONNX model needs neither script nor source.
        await Deploy("iris", "onnx", new { models = new[] { "net" } });
        await Deploy("iris", "blue", new { models = new[] { "iris:1" }, snapshotId = snapshot, entryScript = "score.py" });
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.DeploymentExists, await Post($"{Endpoints}/iris/deployments", ok));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidDeployment, await Patch($"{Endpoints}/iris/deployments/blue", new { maxReplicas = 0 }));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Patch($"{Endpoints}/iris/deployments/blue", new { models = new[] { "iris:7" } }));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.DeploymentNotFound, await Patch($"{Endpoints}/iris/deployments/none", new { minReplicas = 1 }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.GetAsync($"{Endpoints}/iris/deployments/blue/logs?lines=0"));
        Assert.Equal(1, (await Get<DeploymentDto>($"{Endpoints}/iris/deployments/blue")).Generation);
        Assert.Equal(["blue:Succeeded", "onnx:Succeeded"], await Listed("iris"));
    }

    [Fact]
    public async Task An_idempotent_create_replays_without_a_second_proof()
    {
        await Model("iris");
        var snapshot = await Source();
        await Endpoint("iris");
        var body = new { name = "blue", models = new[] { "iris:1" }, snapshotId = snapshot, entryScript = "score.py" };
        await HttpAssert.Status(HttpStatusCode.Created, await Post($"{Endpoints}/iris/deployments", body, "deploy-1"));
        await Settled("iris", "blue");
        var replay = await HttpAssert.Json<DeploymentDto>(HttpStatusCode.Created, await Post($"{Endpoints}/iris/deployments", body, "deploy-1"));
        Assert.Equal((DeploymentStates.Succeeded, 1), (replay.State, replay.Generation));
        Assert.Single(Host.Started);
    }

    [Fact]
    public async Task A_restarted_server_starts_what_served_and_proves_what_was_updating()
    {
        var (_, snapshot) = await Deployed();
        await Deploy("iris", "broken", new { models = new[] { "iris:1" }, snapshotId = snapshot, entryScript = "score.py",
            variables = new Dictionary<string, string> { ["FAKE_FAIL"] = "boom" } }, DeploymentStates.Failed);
        Host.Hold();
        await HttpAssert.Status(HttpStatusCode.Created, await Post($"{Endpoints}/iris/deployments",
            new { name = "green", models = new[] { "iris:1" }, snapshotId = snapshot, entryScript = "score.py" }));

        await RestartAsync();
        var restarted = await Settled("iris", "green");
        Assert.Equal(1, restarted.Generation);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Host.Started.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(["blue", "green"], Host.Started.Select(p => p.Deployment).Order());
        Assert.Equal(DeploymentStates.Succeeded, (await Get<DeploymentDto>($"{Endpoints}/iris/deployments/blue")).State);
        Assert.Equal(DeploymentStates.Failed, (await Get<DeploymentDto>($"{Endpoints}/iris/deployments/broken")).State);
        var keys = await Keys("iris");
        var answer = await HttpAssert.Json<Dictionary<string, object>>(HttpStatusCode.OK, await Score("iris", "{}", keys.PrimaryKey));
        Assert.Equal("blue", answer["deployment"].ToString());
    }
}
