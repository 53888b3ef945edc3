using System.Net;
using Loom.Blobs;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Registry;
using Loom.Core.Snapshots;
using Loom.Core.Tracking;
using Loom.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loom.Tests.Models;

public abstract partial class ModelApiTests
{
    [Fact]
    public async Task A_deleted_version_is_gone_and_its_number_is_not_given_again()
    {
        var run = await RunWithArtifacts(("outputs/model.pkl", "pickle"));
        await Register(new { name = "d", runId = run.Id, path = "outputs/model.pkl" });
        await Register(new { name = "d", runId = run.Id, path = "outputs/model.pkl" });

        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Ws}/models/d/versions/1"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Http.GetAsync($"{Ws}/models/d/versions/1"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Http.DeleteAsync($"{Ws}/models/d/versions/1"));
        Assert.Equal([2], (await Get<ListResult<ModelDto>>($"{Ws}/models/d/versions")).Value.Select(m => m.Version));
        Assert.Equal(["d:2"], (await Get<ListResult<ModelDto>>($"{Ws}/runs/{run.Id}/models")).Value.Select(m => $"{m.Name}:{m.Version}"));

        Assert.Equal(3, (await Register(new { name = "d", runId = run.Id, path = "outputs/model.pkl" })).Version);
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Ws}/models/d/versions/latest"));
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Ws}/models/d/versions/2"));
        Assert.Empty(await Listed("?allVersions=true"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Http.GetAsync($"{Ws}/models/d/versions"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Http.DeleteAsync($"{Ws}/models/none/versions/1"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.DeleteAsync($"{Ws}/models/d/versions/-1"));
        Assert.Equal(4, (await Register(new { name = "d", runId = run.Id, path = "outputs/model.pkl" })).Version);
        // The files stay in the blob store for whatever else holds them.
        Assert.Equal("pickle", await Http.GetStringAsync($"{Ws}/runs/{run.Id}/artifacts/outputs/model.pkl"));
    }

    [Fact]
    public async Task A_version_in_use_is_not_deleted_and_the_problem_names_its_users()
    {
        var files = new[] { await Blob("m.bin", "bytes") };
        await Register(new { name = "used", files });
        await Register(new { name = "used", files });
        // The registry's seam for deployments: the server has no deployments yet, so the service is built here with one user.
        var services = Server.Services;
        var registry = new ModelService(services.GetRequiredService<IModelStore>(), services.GetRequiredService<IBlobStore>(),
            services.GetRequiredService<RunService>(), services.GetRequiredService<IArtifactStore>(), services.GetRequiredService<SnapshotService>(),
            [new DeploymentsOf("used", 1, "iris/blue", "iris/green")], TimeProvider.System, NullLogger<ModelService>.Instance);
        var workspace = await Get<WorkspaceDto>(Ws);
        var id = (await services.GetRequiredService<Core.Workspaces.WorkspaceService>().ResolveAsync(workspace.Name, CancellationToken.None)).Id;

        var refused = await Assert.ThrowsAsync<LoomException>(() => registry.DeleteAsync(id, "used", "1", CancellationToken.None));
        Assert.Equal((ErrorCodes.ModelInUse, 409), (refused.Code, refused.Status));
        Assert.Contains("iris/blue, iris/green", refused.Message);
        Assert.Equal(1, (await Get<ModelDto>($"{Ws}/models/used/versions/1")).Version);
        await registry.DeleteAsync(id, "used", "2", CancellationToken.None);
        Assert.Equal([1], (await Get<ListResult<ModelDto>>($"{Ws}/models/used/versions")).Value.Select(m => m.Version));
    }

    [Fact]
    public async Task A_workspace_with_models_is_not_empty_and_a_forced_delete_removes_them()
    {
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new { name = "other" }));
        const string Other = "/api/v1/workspaces/other";
        var file = await Blob("m.bin", "bytes");
        await HttpAssert.Status(HttpStatusCode.Created, await Post($"{Other}/models", new { name = "m", files = new[] { file }, tags = new Dictionary<string, string> { ["a"] = "b" } }));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ModelNotFound, await Http.GetAsync($"{Ws}/models/m/versions/1"));

        var problem = await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.WorkspaceNotEmpty, await Http.DeleteAsync(Other));
        Assert.Contains("1 model versions", problem.Detail);
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Other}?force=true"));
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new { name = "other" }));
        Assert.Empty((await Get<ListResult<ModelDto>>($"{Other}/models?allVersions=true")).Value);
        Assert.Equal(1, (await HttpAssert.Json<ModelDto>(HttpStatusCode.Created, await Post($"{Other}/models", new { name = "m", files = new[] { file } }))).Version);
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Other}?force=true"));
    }

    /// <summary>Live deployments as the registry sees them: the users of one model version.</summary>
    private sealed class DeploymentsOf(string name, int version, params string[] users) : IModelUsage
    {
        public Task<IReadOnlyList<string>> UsersOfAsync(long workspaceId, string model, int modelVersion, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>(model == name && modelVersion == version ? users : []);
    }
}
