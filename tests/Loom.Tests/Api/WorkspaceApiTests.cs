using System.Net;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Api;

public abstract class WorkspaceApiTests : ApiTestBase
{
    [Fact]
    public async Task Workspaces_are_created_listed_shown_and_deleted()
    {
        var created = await HttpAssert.Json<WorkspaceDto>(HttpStatusCode.Created,
            await Post("/api/v1/workspaces", new CreateWorkspaceRequest("team-a", "Team A")));
        Assert.Equal("team-a", created.Name);
        var all = await Get<ListResult<WorkspaceDto>>("/api/v1/workspaces");
        Assert.Equal(["default", "team-a"], all.Value.Select(w => w.Name));
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces/team-a/runs", new { experiment = "x" }));
        var shown = await Get<WorkspaceDto>("/api/v1/workspaces/team-a");
        Assert.Equal((1L, 1L), (shown.ExperimentCount!.Value, shown.RunCount!.Value));
        Assert.Equal("Team A", shown.Description);

        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.WorkspaceNotEmpty, await Http.DeleteAsync("/api/v1/workspaces/team-a"));
        Assert.Equal(1L, (await Get<WorkspaceDto>("/api/v1/workspaces/team-a")).RunCount);
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync("/api/v1/workspaces/team-a?force=true"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.WorkspaceNotFound, await Http.GetAsync("/api/v1/workspaces/team-a"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.WorkspaceNotFound, await Http.GetAsync("/api/v1/workspaces/team-a/runs"));
    }

    [Fact]
    public async Task A_recreated_workspace_inherits_nothing_from_a_deleted_one()
    {
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new CreateWorkspaceRequest("again")));
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces/again/environments",
            new { name = "sklearn", python = new { requirements = new[] { "numpy" } } }));
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces/again/runs", new { experiment = "x" }));
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync("/api/v1/workspaces/again?force=true"));
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new CreateWorkspaceRequest("again")));
        var environments = await Http.GetStringAsync("/api/v1/workspaces/again/environments");
        Assert.DoesNotContain("sklearn", environments);
        Assert.Empty((await Get<ListResult<RunDto>>("/api/v1/workspaces/again/runs")).Value);
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ExperimentNotFound, await Http.GetAsync("/api/v1/workspaces/again/experiments/x"));
    }

    [Fact]
    public async Task A_workspace_holding_only_a_compute_target_is_not_empty()
    {
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new CreateWorkspaceRequest("infra")));
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces/infra/computes", new { name = "cpu", type = "local", maxNodes = 2 }));
        var problem = await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.WorkspaceNotEmpty, await Http.DeleteAsync("/api/v1/workspaces/infra"));
        Assert.Contains("1 compute targets", problem.Detail);
        await HttpAssert.Status(HttpStatusCode.OK, await Http.GetAsync("/api/v1/workspaces/infra/computes/cpu"));
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync("/api/v1/workspaces/infra?force=true"));
    }

    [Fact]
    public async Task An_empty_workspace_deletes_without_force()
    {
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new CreateWorkspaceRequest("empty")));
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync("/api/v1/workspaces/empty"));
    }

    [Fact]
    public async Task Bad_workspace_requests_are_problems_and_change_nothing()
    {
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.WorkspaceExists, await Post("/api/v1/workspaces", new CreateWorkspaceRequest("default")));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Post("/api/v1/workspaces", new CreateWorkspaceRequest("no/slashes")));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Post("/api/v1/workspaces", new { description = "no name" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await PostRaw("/api/v1/workspaces", "[1,2"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Http.GetAsync("/api/v1/workspaces/-bad-"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.NotFound, await Http.GetAsync("/api/v1/nothing/here"));
        await HttpAssert.Problem(HttpStatusCode.MethodNotAllowed, ErrorCodes.MethodNotAllowed, await Http.PutAsync("/api/v1/workspaces", null));
        Assert.Equal(["default"], (await Get<ListResult<WorkspaceDto>>("/api/v1/workspaces")).Value.Select(w => w.Name));
    }
}
