using System.Net;
using System.Text;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Serving;

/// <summary>The scoring routes (outside /api): auth, routing by traffic and pin, answers and problems; subclassed per provider.</summary>
public abstract class ScoringApiTests : ServingApiTestBase
{
    [Fact]
    public async Task A_key_endpoint_takes_either_key_and_refuses_anything_else()
    {
        await Deployed();
        var keys = await Keys("iris");
        var answer = await HttpAssert.Json<Dictionary<string, object>>(HttpStatusCode.OK, await Score("iris", "{\"data\": [[5.1, 3.5]]}", keys.PrimaryKey));
        Assert.Equal(("blue", "{\"data\": [[5.1, 3.5]]}"), (answer["deployment"].ToString(), answer["input"].ToString()));
        var secondary = await Score("iris", "{}", keys.SecondaryKey);
        await HttpAssert.Status(HttpStatusCode.OK, secondary);
        Assert.Equal("application/json", secondary.Content.Headers.ContentType?.MediaType);
        Assert.Equal("blue", secondary.Headers.GetValues(ScoringHeaders.Deployment).Single());

        foreach (var bearer in new[] { null, "", keys.PrimaryKey + "x", keys.PrimaryKey[..^1], Server.AdminToken, "not-a-key" })
        {
            var refused = await Score("iris", "{}", bearer);
            await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, refused);
            Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/endpoints/default/iris/score") { Content = new StringContent("{}") })
        {
            request.Headers.TryAddWithoutValidation("Authorization", keys.PrimaryKey);
            await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Anonymous.SendAsync(request));
        }

        // A regenerated key stops working at once; the other keeps working.
        await HttpAssert.Status(HttpStatusCode.OK, await Post($"{Endpoints}/iris/keys/regenerate", new { keyType = "primary" }));
        await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Score("iris", "{}", keys.PrimaryKey));
        await HttpAssert.Status(HttpStatusCode.OK, await Score("iris", "{}", keys.SecondaryKey));
        await HttpAssert.Status(HttpStatusCode.OK, await Score("iris", "{}", (await Keys("iris")).PrimaryKey));
    }

    [Fact]
    public async Task A_body_above_the_web_servers_default_limit_but_within_Loom_limit_is_scored()
    {
        await Deployed();
        var key = (await Keys("iris")).PrimaryKey;
        // 31,000,000 bytes: over Kestrel's default limit of 30,000,000, under Loom's 32 MiB.
        var large = "\"" + new string('x', 31_000_000) + "\"";
        await HttpAssert.Status(HttpStatusCode.OK, await Score("iris", large, key));
    }

    [Fact]
    public async Task A_token_endpoint_takes_a_loom_token_with_a_role_in_the_workspace()
    {
        await Deployed("secure", EndpointAuthModes.Token);
        await HttpAssert.Status(HttpStatusCode.OK, await Score("secure", "{}", Server.AdminToken));
        var reader = await Server.Client.Tokens.CreateAsync(new CreateTokenRequest("reader", "default", Role.Reader));
        await HttpAssert.Status(HttpStatusCode.OK, await Score("secure", "{}", reader.Token));
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new { name = "elsewhere" }));
        var outsider = await Server.Client.Tokens.CreateAsync(new CreateTokenRequest("outsider", "elsewhere", Role.Owner));
        await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Score("secure", "{}", outsider.Token));
        await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Score("secure", "{}", (await Keys("secure")).PrimaryKey));
        await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Score("secure", "{}", null));
    }

    [Fact]
    public async Task A_pinned_deployment_answers_and_traffic_splits_by_weight()
    {
        var (_, snapshot) = await Deployed();
        await Deploy("iris", "green", new { models = new[] { "iris:1" }, snapshotId = snapshot, entryScript = "score.py" });
        var key = (await Keys("iris")).PrimaryKey;
        var pinned = await HttpAssert.Json<Dictionary<string, object>>(HttpStatusCode.OK, await Score("iris", "{}", key, "green"));
        Assert.Equal("green", pinned["deployment"].ToString());
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.DeploymentNotFound, await Score("iris", "{}", key, "purple"));

        await HttpAssert.Status(HttpStatusCode.OK, await Patch($"{Endpoints}/iris", new { traffic = new { blue = 70, green = 30 } }));
        var counts = new Dictionary<string, int> { ["blue"] = 0, ["green"] = 0 };
        const int Calls = 400;
        for (var i = 0; i < Calls; i++)
        {
            var response = await Score("iris", "{}", key);
            await HttpAssert.Status(HttpStatusCode.OK, response);
            counts[response.Headers.GetValues(ScoringHeaders.Deployment).Single()]++;
        }
        // 70% of 400 is 280 with a standard deviation of about 9: 230..330 fails once in a very long while.
        Assert.InRange(counts["blue"], 230, 330);
        Assert.Equal(Calls, counts["blue"] + counts["green"]);

        // Weight 0 takes nothing unless pinned; no traffic at all is 503 unless pinned.
        await HttpAssert.Status(HttpStatusCode.OK, await Patch($"{Endpoints}/iris", new { traffic = new { blue = 0, green = 100 } }));
        for (var i = 0; i < 20; i++)
            Assert.Equal("green", (await Score("iris", "{}", key)).Headers.GetValues(ScoringHeaders.Deployment).Single());
        Assert.Equal("blue", (await Score("iris", "{}", key, "blue")).Headers.GetValues(ScoringHeaders.Deployment).Single());
        await HttpAssert.Status(HttpStatusCode.OK, await Patch($"{Endpoints}/iris", new { traffic = new { } }));
        var unrouted = await HttpAssert.Problem(HttpStatusCode.ServiceUnavailable, ErrorCodes.DeploymentNotReady, await Score("iris", "{}", key));
        Assert.Contains("--traffic", unrouted.Detail);
        await HttpAssert.Status(HttpStatusCode.OK, await Score("iris", "{}", key, "green"));
    }

    [Fact]
    public async Task The_hosts_answers_and_failures_map_to_bodies_and_problems()
    {
        await Deployed();
        var key = (await Keys("iris")).PrimaryKey;
        var text = await Score("iris", "text", key);
        await HttpAssert.Status(HttpStatusCode.OK, text);
        Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);
        Assert.Equal("plain answer", await text.Content.ReadAsStringAsync());

        var raised = await HttpAssert.Problem(HttpStatusCode.BadGateway, ErrorCodes.ScoringError, await Score("iris", "raise", key));
        Assert.Equal("ValueError: bad input", raised.Detail);
        await HttpAssert.Problem(HttpStatusCode.BadGateway, ErrorCodes.WorkerCrashed, await Score("iris", "crash", key));
        await HttpAssert.Problem(HttpStatusCode.GatewayTimeout, ErrorCodes.ScoringTimeout, await Score("iris", "slow", key));
        var busy = await Score("iris", "busy", key);
        await HttpAssert.Problem(HttpStatusCode.ServiceUnavailable, ErrorCodes.Overloaded, busy);
        Assert.Equal(TimeSpan.FromSeconds(2), busy.Headers.RetryAfter?.Delta);
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Score("iris", "", key));

        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EndpointNotFound, await Score("rose", "{}", key));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.WorkspaceNotFound, await Score("iris", "{}", key, workspace: "nowhere"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Score("bad%20name", "{}", key));
        // Any garbage on the scoring routes is a problem, never a 500.
        foreach (var (method, path) in new[] { ("GET", "score"), ("PUT", "score"), ("POST", ""), ("DELETE", "swagger.json") })
        {
            var response = await Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/endpoints/default/iris/{path}"));
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{method} {path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Liveness_and_swagger_say_what_serves()
    {
        var (_, snapshot) = await Deployed();
        var key = (await Keys("iris")).PrimaryKey;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/endpoints/default/iris/");
        request.Headers.Authorization = new("Bearer", key);
        var health = await HttpAssert.Json<EndpointHealthDto>(HttpStatusCode.OK, await Anonymous.SendAsync(request));
        Assert.Equal("Healthy", health.Status);
        Assert.Equal((true, 100, 1, 1), (health.Deployments["blue"].Serving, health.Deployments["blue"].Weight, health.Deployments["blue"].Generation,
            health.Deployments["blue"].Replicas));
        await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Anonymous.GetAsync("/endpoints/default/iris/"));

        using var swaggerless = new HttpRequestMessage(HttpMethod.Get, "/endpoints/default/iris/swagger.json");
        swaggerless.Headers.Authorization = new("Bearer", key);
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.NotFound, await Anonymous.SendAsync(swaggerless));
        await HttpAssert.Status(HttpStatusCode.OK, await Patch($"{Endpoints}/iris/deployments/blue",
            new { variables = new Dictionary<string, string> { ["FAKE_SCHEMA"] = "1" } }));
        await Settled("iris", "blue");
        using var swagger = new HttpRequestMessage(HttpMethod.Get, "/endpoints/default/iris/swagger.json");
        swagger.Headers.Authorization = new("Bearer", key);
        var document = await Anonymous.SendAsync(swagger);
        await HttpAssert.Status(HttpStatusCode.OK, document);
        Assert.Contains("\"swagger\": \"2.0\"", await document.Content.ReadAsStringAsync());

        // An endpoint whose only deployment does not serve is not ready.
        await Endpoint("empty");
        using var unready = new HttpRequestMessage(HttpMethod.Get, "/endpoints/default/empty/");
        unready.Headers.Authorization = new("Bearer", (await Keys("empty")).PrimaryKey);
        var unhealthy = await HttpAssert.Json<EndpointHealthDto>(HttpStatusCode.ServiceUnavailable, await Anonymous.SendAsync(unready));
        Assert.Equal("Unhealthy", unhealthy.Status);
    }

    [Fact]
    public async Task Requests_are_recorded_and_metrics_computed_over_the_window()
    {
        var (_, snapshot) = await Deployed();
        await Deploy("iris", "green", new { models = new[] { "iris:1" }, snapshotId = snapshot, entryScript = "score.py" });
        var key = (await Keys("iris")).PrimaryKey;
        for (var i = 0; i < 6; i++) await HttpAssert.Status(HttpStatusCode.OK, await Score("iris", "{\"x\": 1}", key));
        for (var i = 0; i < 3; i++) await HttpAssert.Status(HttpStatusCode.OK, await Score("iris", "{}", key, "green"));
        await HttpAssert.Problem(HttpStatusCode.BadGateway, ErrorCodes.ScoringError, await Score("iris", "raise", key, "green"));
        await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Score("iris", "{}", "wrong"));

        EndpointMetricsDto metrics;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            metrics = await Get<EndpointMetricsDto>($"{Endpoints}/iris/metrics?minutes=5");
            if (metrics.Requests >= 11) break;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal((11L, 2L), (metrics.Requests, metrics.Errors));
        Assert.Equal(TimeSpan.FromMinutes(5), metrics.To - metrics.From);
        Assert.Equal(new Dictionary<string, long> { ["200"] = 9, ["401"] = 1, ["502"] = 1 }, metrics.ByStatus);
        Assert.Equal((6L, 0L), (metrics.ByDeployment["blue"].Requests, metrics.ByDeployment["blue"].Errors));
        Assert.Equal((4L, 1L), (metrics.ByDeployment["green"].Requests, metrics.ByDeployment["green"].Errors));
        Assert.True(metrics.LatencyMs.P50 > 0 && metrics.LatencyMs.P50 <= metrics.LatencyMs.P90 && metrics.LatencyMs.P90 <= metrics.LatencyMs.P99, metrics.LatencyMs.ToString());
        Assert.True(metrics.RequestsPerSecond > 0);
        Assert.Equal(2, metrics.RecentErrors.Count);
        Assert.Equal((401, (string?)null), (metrics.RecentErrors[0].Status, metrics.RecentErrors[0].Deployment));
        Assert.Equal((502, "green", "ValueError: bad input"), (metrics.RecentErrors[1].Status, metrics.RecentErrors[1].Deployment, metrics.RecentErrors[1].Message));

        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.GetAsync($"{Endpoints}/iris/metrics?minutes=0"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.GetAsync($"{Endpoints}/iris/metrics?minutes=999999"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EndpointNotFound, await Http.GetAsync($"{Endpoints}/none/metrics"));
        var empty = await Get<EndpointMetricsDto>($"{Endpoints}/iris/metrics?minutes=1");
        Assert.True(empty.Requests <= 11);

        // Deleting the endpoint forgets its telemetry: a new one of the same name starts from nothing.
        await HttpAssert.Status(HttpStatusCode.OK, await Patch($"{Endpoints}/iris", new { traffic = new { } }));
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Endpoints}/iris"));
        await Endpoint("iris");
        Assert.Equal(0, (await Get<EndpointMetricsDto>($"{Endpoints}/iris/metrics")).Requests);
    }
}
