using System.Data.Common;
using System.Net;
using Dapper;
using Loom.Contracts;
using Loom.Core.Hosting;
using Loom.Store;
using Loom.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Tests.Serving;

/// <summary>Endpoints, keys and traffic over REST; subclassed per metadata provider in Api/Providers.cs.</summary>
public abstract class EndpointApiTests : ServingApiTestBase
{
    private async Task<List<string>> Listed() => (await Get<ListResult<EndpointDto>>(Endpoints)).Value.Select(e => e.Name).ToList();

    [Fact]
    public async Task An_endpoint_is_created_listed_shown_changed_and_deleted()
    {
        var created = await HttpAssert.Json<EndpointDto>(HttpStatusCode.Created, await Post(Endpoints,
            new { name = "iris", description = "flowers", tags = new Dictionary<string, string> { ["team"] = "ml" } }));
        Assert.Equal(("iris", EndpointAuthModes.Key, "flowers", "ml"), (created.Name, created.AuthMode, created.Description, created.Tags["team"]));
        Assert.Equal($"{Server.Url.AbsoluteUri.TrimEnd('/')}/endpoints/default/iris/score", created.ScoringUri);
        Assert.Equal($"{Server.Url.AbsoluteUri.TrimEnd('/')}/endpoints/default/iris/swagger.json", created.SwaggerUri);
        Assert.Empty(created.Traffic);
        Assert.Empty(created.Deployments);
        var token = await HttpAssert.Json<EndpointDto>(HttpStatusCode.Created, await Post(Endpoints, new { name = "tok", authMode = "TOKEN" }));
        Assert.Equal(EndpointAuthModes.Token, token.AuthMode);

        Assert.Equal(["iris", "tok"], await Listed());
        var shown = await Get<EndpointDto>($"{Endpoints}/iris");
        Assert.Equal((created.CreatedTime, created.ScoringUri), (shown.CreatedTime, shown.ScoringUri));

        var changed = await HttpAssert.Json<EndpointDto>(HttpStatusCode.OK, await Patch($"{Endpoints}/iris",
            new { description = "", tags = new Dictionary<string, string> { ["stage"] = "prod" } }));
        Assert.Null(changed.Description);
        Assert.Equal(["stage"], changed.Tags.Keys);
        Assert.Equal("prod", (await Get<EndpointDto>($"{Endpoints}/iris")).Tags["stage"]);

        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Endpoints}/iris"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EndpointNotFound, await Http.GetAsync($"{Endpoints}/iris"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EndpointNotFound, await Http.DeleteAsync($"{Endpoints}/iris"));
        Assert.Equal(["tok"], await Listed());
        // The name is free again.
        await Endpoint("iris");
    }

    [Fact]
    public async Task Bad_input_is_its_problem_and_stores_nothing()
    {
        await Endpoint("taken");
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.EndpointExists, await Post(Endpoints, new { name = "taken" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Post(Endpoints, new { name = "bad name" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Post(Endpoints, new { description = "no name" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidEndpoint, await Post(Endpoints, new { name = "e", authMode = "aml" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post(Endpoints, new { name = "e", description = new string('d', 10_001) }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName,
            await Post(Endpoints, new { name = "e", tags = new Dictionary<string, string> { [""] = "v" } }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await Http.PostAsync(Endpoints, new StringContent("{", null, "application/json")));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EndpointNotFound, await Patch($"{Endpoints}/none", new { description = "x" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Patch($"{Endpoints}/taken", new { tags = new Dictionary<string, string> { [""] = "v" } }));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.WorkspaceNotFound, await Http.GetAsync("/api/v1/workspaces/none/endpoints"));
        Assert.Equal(["taken"], await Listed());
        Assert.Empty((await Get<EndpointDto>($"{Endpoints}/taken")).Tags);
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_answer()
    {
        var first = await HttpAssert.Json<EndpointDto>(HttpStatusCode.Created, await Post(Endpoints, new { name = "idem" }, "key-1"));
        var replay = await HttpAssert.Json<EndpointDto>(HttpStatusCode.Created, await Post(Endpoints, new { name = "idem" }, "key-1"));
        Assert.Equal(first.CreatedTime, replay.CreatedTime);
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.EndpointExists, await Post(Endpoints, new { name = "idem" }));
        await HttpAssert.Problem(HttpStatusCode.UnprocessableEntity, ErrorCodes.IdempotencyKeyReused, await Post(Endpoints, new { name = "other" }, "key-1"));
    }

    [Fact]
    public async Task Keys_are_sealed_at_rest_never_listed_and_regenerated_one_at_a_time()
    {
        await Endpoint("iris");
        var keys = await Keys("iris");
        Assert.NotEqual(keys.PrimaryKey, keys.SecondaryKey);
        Assert.True(keys.PrimaryKey.Length >= 40, keys.PrimaryKey);
        Assert.DoesNotContain(keys.PrimaryKey, await Http.GetStringAsync(Endpoints));
        Assert.DoesNotContain(keys.SecondaryKey, await Http.GetStringAsync($"{Endpoints}/iris"));

        // In the database the keys are AES-GCM boxes; the master key is outside it, readable by its owner only.
        var db = Server.Services.GetRequiredService<LoomDatabase>();
        await using (var c = await db.OpenAsync(CancellationToken.None))
        {
            var stored = (await c.QueryAsync<(string, string)>("SELECT primary_key, secondary_key FROM endpoints")).Single();
            Assert.DoesNotContain(keys.PrimaryKey, stored.Item1);
            Assert.DoesNotContain(keys.SecondaryKey, stored.Item2);
            Assert.StartsWith("v1.", stored.Item1);
        }
        var masterKey = Path.Combine(Server.DataDirectory, SecretBox.KeyFile);
        Assert.Equal(32, new FileInfo(masterKey).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(masterKey));

        var primary = await HttpAssert.Json<EndpointKeysDto>(HttpStatusCode.OK, await Post($"{Endpoints}/iris/keys/regenerate", new { keyType = "primary" }));
        Assert.NotEqual(keys.PrimaryKey, primary.PrimaryKey);
        Assert.Equal(keys.SecondaryKey, primary.SecondaryKey);
        var secondary = await HttpAssert.Json<EndpointKeysDto>(HttpStatusCode.OK, await Post($"{Endpoints}/iris/keys/regenerate", new { keyType = "Secondary" }));
        Assert.Equal(primary.PrimaryKey, secondary.PrimaryKey);
        Assert.NotEqual(keys.SecondaryKey, secondary.SecondaryKey);
        Assert.Equal(secondary, await Keys("iris"));

        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post($"{Endpoints}/iris/keys/regenerate", new { keyType = "tertiary" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post($"{Endpoints}/iris/keys/regenerate", new { }));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EndpointNotFound, await Http.GetAsync($"{Endpoints}/none/keys"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EndpointNotFound, await Post($"{Endpoints}/none/keys/regenerate", new { keyType = "primary" }));
        Assert.Equal(secondary, await Keys("iris"));

        // A Reader sees the endpoint but not its keys.
        var reader = await Server.Client.Tokens.CreateAsync(new CreateTokenRequest("reader", "default", Role.Reader));
        using var readerHttp = Server.NewHttp(reader.Token);
        await HttpAssert.Status(HttpStatusCode.OK, await readerHttp.GetAsync($"{Endpoints}/iris"));
        await HttpAssert.Problem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden, await readerHttp.GetAsync($"{Endpoints}/iris/keys"));
    }

    [Fact]
    public async Task Traffic_weights_are_whole_numbers_over_existing_deployments_summing_to_100()
    {
        await Deployed();
        await Deploy("iris", "green", new { models = new[] { "iris:1" }, snapshotId = (await Get<DeploymentDto>($"{Endpoints}/iris/deployments/blue")).SnapshotId, entryScript = "score.py" });
        Assert.Equal(new Dictionary<string, int> { ["blue"] = 100 }, (await Get<EndpointDto>($"{Endpoints}/iris")).Traffic);

        var split = await HttpAssert.Json<EndpointDto>(HttpStatusCode.OK, await Patch($"{Endpoints}/iris", new { traffic = new { green = 10, blue = 90 } }));
        Assert.Equal(["blue", "green"], split.Traffic.Keys);
        Assert.Equal((90, 10), (split.Traffic["blue"], split.Traffic["green"]));
        Assert.Equal(["blue", "green"], split.Deployments);

        foreach (var bad in new object[]
                 {
                     new { traffic = new { blue = 90 } }, new { traffic = new { blue = 90, green = 20 } }, new { traffic = new { blue = 101, green = -1 } },
                     new { traffic = new { blue = 100, purple = 0 } }, new { traffic = new Dictionary<string, int> { ["blue"] = 50, [""] = 50 } },
                 })
            await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidTraffic, await Patch($"{Endpoints}/iris", bad));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await Patch($"{Endpoints}/iris", new { traffic = new { blue = 50.5, green = 49.5 } }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await Patch($"{Endpoints}/iris", new { traffic = new[] { "blue" } }));
        Assert.Equal((90, 10), ((await Get<EndpointDto>($"{Endpoints}/iris")).Traffic["blue"], (await Get<EndpointDto>($"{Endpoints}/iris")).Traffic["green"]));

        var zero = await HttpAssert.Json<EndpointDto>(HttpStatusCode.OK, await Patch($"{Endpoints}/iris", new { traffic = new { blue = 0, green = 100 } }));
        Assert.Equal(0, zero.Traffic["blue"]);
        var none = await HttpAssert.Json<EndpointDto>(HttpStatusCode.OK, await Patch($"{Endpoints}/iris", new { traffic = new { } }));
        Assert.Empty(none.Traffic);
        // Leaving traffic out leaves it as it is.
        Assert.Empty((await HttpAssert.Json<EndpointDto>(HttpStatusCode.OK, await Patch($"{Endpoints}/iris", new { description = "d" }))).Traffic);
    }

    [Fact]
    public async Task A_workspace_with_endpoints_is_not_empty_and_a_forced_delete_removes_them()
    {
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new { name = "other" }));
        const string Other = "/api/v1/workspaces/other";
        await HttpAssert.Status(HttpStatusCode.Created, await Post($"{Other}/models", new { name = "m", files = new[] { await Blob("m.onnx", "onnx") } }));
        await HttpAssert.Status(HttpStatusCode.Created, await Post($"{Other}/endpoints", new { name = "e" }));
        await HttpAssert.Status(HttpStatusCode.Created, await Post($"{Other}/endpoints/e/deployments", new { name = "d", models = new[] { "m:1" } }));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await Get<DeploymentDto>($"{Other}/endpoints/e/deployments/d")).State == DeploymentStates.Updating && DateTime.UtcNow < deadline) await Task.Delay(20);
        var keys = await Get<EndpointKeysDto>($"{Other}/endpoints/e/keys");
        await HttpAssert.Status(HttpStatusCode.OK, await Score("e", "{}", keys.PrimaryKey, workspace: "other"));
        // The request's telemetry row is written before the workspace goes, so none outlives it.
        while ((await Get<EndpointMetricsDto>($"{Other}/endpoints/e/metrics")).Requests == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);

        var problem = await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.WorkspaceNotEmpty, await Http.DeleteAsync(Other));
        Assert.Contains("1 endpoints", problem.Detail);
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Other}?force=true"));
        // Its deployment, gone from the store, is stopped by the server's next check.
        while (!Host.Stopped.Contains("e/d") && DateTime.UtcNow < deadline.AddSeconds(30)) await Task.Delay(20);
        Assert.Contains("e/d", Host.Stopped);
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new { name = "other" }));
        Assert.Empty((await Get<ListResult<EndpointDto>>($"{Other}/endpoints")).Value);
        var db = Server.Services.GetRequiredService<LoomDatabase>();
        await using var c = await db.OpenAsync(CancellationToken.None);
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM deployments WHERE workspace_id NOT IN (SELECT id FROM workspaces)"));
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM endpoint_requests WHERE workspace_id NOT IN (SELECT id FROM workspaces)"));
    }
}
