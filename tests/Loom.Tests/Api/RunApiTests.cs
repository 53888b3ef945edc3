using System.Net;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Api;

public abstract class RunApiTests : ApiTestBase
{
    [Fact]
    public async Task Runs_nest_to_any_depth_and_share_their_root()
    {
        var root = await CreateRun("nested", extra: new { displayName = "root", @params = new Dictionary<string, string> { ["lr"] = "0.1" } });
        Assert.Equal(RunStatus.Running, root.Status);
        Assert.NotNull(root.StartTime);
        Assert.Equal(root.Id, root.RootRunId);
        var child = await CreateRun("nested", root.Id);
        var grandchild = await HttpAssert.Json<RunDto>(HttpStatusCode.Created, await Post($"{Ws}/runs", new { parentRunId = child.Id }));
        Assert.Equal("nested", grandchild.Experiment);
        Assert.Equal((child.Id, root.Id), (grandchild.ParentRunId, grandchild.RootRunId));
        var children = await Get<ListResult<RunDto>>($"{Ws}/runs/{root.Id}/children");
        Assert.Equal([child.Id], children.Value.Select(r => r.Id));
        var fetched = await Get<RunDto>($"{Ws}/runs/{root.Id}");
        Assert.Equal("root", fetched.DisplayName);
        Assert.Equal("0.1", fetched.Params["lr"]);
    }

    [Fact]
    public async Task Experiments_are_created_on_first_use()
    {
        await CreateRun("alpha");
        await CreateRun("alpha");
        await CreateRun("beta");
        var experiments = await Get<ListResult<ExperimentDto>>($"{Ws}/experiments");
        Assert.Equal(["alpha", "beta"], experiments.Value.Select(e => e.Name));
        Assert.Equal(2, (await Get<ExperimentDto>($"{Ws}/experiments/alpha")).RunCount);
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ExperimentNotFound, await Http.GetAsync($"{Ws}/experiments/gamma"));
    }

    [Fact]
    public async Task Status_changes_are_stored_with_their_times_and_finished_runs_stay_finished()
    {
        var run = await CreateRun();
        var done = await HttpAssert.Json<RunDto>(HttpStatusCode.OK, await Patch($"{Ws}/runs/{run.Id}", new { status = "Completed" }));
        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.NotNull(done.EndTime);
        Assert.Equal([RunStatus.Running, RunStatus.Completed], done.StatusHistory.Select(s => s.Status));
        Assert.True(done.StatusHistory[1].Time >= done.StatusHistory[0].Time);
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.InvalidStatusTransition, await Patch($"{Ws}/runs/{run.Id}", new { status = "Running" }));
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.InvalidStatusTransition, await Http.PostAsync($"{Ws}/runs/{run.Id}/cancel", null));
        Assert.Equal(RunStatus.Completed, (await Get<RunDto>($"{Ws}/runs/{run.Id}")).Status);

        var failing = await CreateRun();
        var failed = await HttpAssert.Json<RunDto>(HttpStatusCode.OK, await Patch($"{Ws}/runs/{failing.Id}", new { status = "Failed", error = "out of memory" }));
        Assert.Equal(("out of memory", RunStatus.Failed), (failed.Error, failed.Status));
        var canceled = await HttpAssert.Json<RunDto>(HttpStatusCode.OK, await Http.PostAsync($"{Ws}/runs/{(await CreateRun()).Id}/cancel", null));
        Assert.Equal(RunStatus.Canceled, canceled.Status);
        var queued = await CreateRun(extra: new { status = "Queued" });
        Assert.Null(queued.StartTime);
        var started = await HttpAssert.Json<RunDto>(HttpStatusCode.OK, await Patch($"{Ws}/runs/{queued.Id}", new { status = "Running" }));
        Assert.NotNull(started.StartTime);
    }

    [Fact]
    public async Task Tags_change_while_params_and_properties_are_write_once()
    {
        var run = await CreateRun(extra: new { tags = new Dictionary<string, string> { ["stage"] = "dev", ["tmp"] = "1" } });
        var updated = await HttpAssert.Json<RunDto>(HttpStatusCode.OK, await Patch($"{Ws}/runs/{run.Id}", new
        {
            tags = new Dictionary<string, string> { ["stage"] = "prod" },
            removeTags = new[] { "tmp" },
            @params = new Dictionary<string, string> { ["epochs"] = "10" },
            properties = new Dictionary<string, string> { ["git.commit"] = "abc" },
        }));
        Assert.Equal(new Dictionary<string, string> { ["stage"] = "prod" }, updated.Tags);
        await HttpAssert.Status(HttpStatusCode.OK, await Patch($"{Ws}/runs/{run.Id}", new { @params = new Dictionary<string, string> { ["epochs"] = "10" } }));
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.ParamImmutable,
            await Patch($"{Ws}/runs/{run.Id}", new { @params = new Dictionary<string, string> { ["epochs"] = "20", ["new"] = "x" } }));
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.PropertyImmutable,
            await Patch($"{Ws}/runs/{run.Id}", new { properties = new Dictionary<string, string> { ["git.commit"] = "def" } }));
        var after = await Get<RunDto>($"{Ws}/runs/{run.Id}");
        Assert.Equal(new Dictionary<string, string> { ["epochs"] = "10" }, after.Params);
        Assert.Equal("abc", after.Properties["git.commit"]);
    }

    [Fact]
    public async Task A_retried_create_with_the_same_idempotency_key_makes_one_run()
    {
        var body = new { experiment = "retry", displayName = "once" };
        var first = await HttpAssert.Json<RunDto>(HttpStatusCode.Created, await Post($"{Ws}/runs", body, "create-1"));
        var second = await HttpAssert.Json<RunDto>(HttpStatusCode.Created, await Post($"{Ws}/runs", body, "create-1"));
        Assert.Equal(first.Id, second.Id);
        Assert.Single((await Get<ListResult<RunDto>>($"{Ws}/runs?experiment=retry")).Value);
        await HttpAssert.Problem(HttpStatusCode.UnprocessableEntity, ErrorCodes.IdempotencyKeyReused,
            await Post($"{Ws}/runs", new { experiment = "retry", displayName = "other" }, "create-1"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post($"{Ws}/runs", body, new string('k', 201)));
    }

    [Fact]
    public async Task Bad_run_requests_are_problems_and_change_nothing()
    {
        var run = await CreateRun();
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.RunNotFound, await Http.GetAsync($"{Ws}/runs/nope"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.RunNotFound, await Patch($"{Ws}/runs/nope", new { status = "Completed" }));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.RunNotFound, await Post($"{Ws}/runs", new { parentRunId = "nope" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Post($"{Ws}/runs", new { experiment = "has space" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Post($"{Ws}/runs", new { }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidStatus, await Post($"{Ws}/runs", new { experiment = "x", status = "Completed" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await PostRaw($"{Ws}/runs", "{\"experiment\": \"x\", \"status\": \"Dancing\"}"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await PostRaw($"{Ws}/runs", "not json"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await PostRaw($"{Ws}/runs", "{\"experiment\": \"x\", \"params\": {\"a\": 1}}"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName,
            await Patch($"{Ws}/runs/{run.Id}", new { tags = new Dictionary<string, string> { [""] = "x" } }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Patch($"{Ws}/runs/{run.Id}", new { error = "no status" }));
        var after = await Get<RunDto>($"{Ws}/runs/{run.Id}");
        Assert.Equal((RunStatus.Running, 0), (after.Status, after.Tags.Count));
        Assert.Single((await Get<ListResult<RunDto>>($"{Ws}/runs")).Value);
    }
}
