using System.Net;
using Loom.Contracts;
using Loom.TestKit;
using Loom.Tests.Api;

namespace Loom.Tests.Compute;

/// <summary>The compute targets API; subclassed per metadata provider in Api/Providers.cs.</summary>
public abstract class ComputeApiTests : ApiTestBase
{
    private async Task<ComputeDto> Create(object body, string? idempotencyKey = null) =>
        await HttpAssert.Json<ComputeDto>(HttpStatusCode.Created, await Post($"{Ws}/computes", body, idempotencyKey));

    private async Task<IReadOnlyList<string>> Names() =>
        (await Get<ListResult<ComputeDto>>($"{Ws}/computes")).Value.Select(c => c.Name).ToList();

    [Fact]
    public async Task Create_fills_the_defaults_then_get_and_list_answer_it()
    {
        var response = await Post($"{Ws}/computes", new { name = "cpu", type = "local" });
        var cpu = await HttpAssert.Json<ComputeDto>(HttpStatusCode.Created, response);
        Assert.Equal("/api/v1/workspaces/default/computes/cpu", response.Headers.Location?.OriginalString);
        Assert.Equal(("cpu", "local", 0, 1, 120), (cpu.Name, cpu.Type, cpu.MinNodes, cpu.MaxNodes, cpu.IdleSeconds));
        Assert.Empty(cpu.Nodes);
        Assert.Equal(0, cpu.QueueLength);
        Assert.Null(cpu.Description);
        Assert.Empty(cpu.Tags);

        var gpu = await Create(new
        {
            name = "gpu-pool", type = "Attached", minNodes = 2, maxNodes = 8, idleSeconds = 0, description = "the lab's GPUs",
            tags = new Dictionary<string, string> { ["team"] = "vision" },
        });
        Assert.Equal(("attached", 2, 8, 0, "the lab's GPUs", "vision"), (gpu.Type, gpu.MinNodes, gpu.MaxNodes, gpu.IdleSeconds, gpu.Description, gpu.Tags["team"]));
        // Without maxNodes, a minNodes above the default maximum raises the maximum to it.
        Assert.Equal(5, (await Create(new { name = "warm", type = "local", minNodes = 5 })).MaxNodes);

        var fetched = await Get<ComputeDto>($"{Ws}/computes/gpu-pool");
        Assert.Equal((gpu.CreatedTime, gpu.MaxNodes, gpu.Description), (fetched.CreatedTime, fetched.MaxNodes, fetched.Description));
        Assert.Empty(fetched.Nodes);
        Assert.Equal(["cpu", "gpu-pool", "warm"], await Names());

        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new { name = "other" }));
        Assert.Empty((await Get<ListResult<ComputeDto>>("/api/v1/workspaces/other/computes")).Value);
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ComputeNotFound, await Http.GetAsync("/api/v1/workspaces/other/computes/cpu"));
    }

    [Fact]
    public async Task A_taken_name_is_compute_exists_and_changes_nothing()
    {
        var first = await Create(new { name = "cpu", type = "local", maxNodes = 4 });
        var problem = await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.ComputeExists,
            await Post($"{Ws}/computes", new { name = "cpu", type = "attached", maxNodes = 9 }));
        Assert.Contains("cpu", problem.Detail!);
        var stored = await Get<ComputeDto>($"{Ws}/computes/cpu");
        Assert.Equal((first.Type, first.MaxNodes, first.CreatedTime), (stored.Type, stored.MaxNodes, stored.CreatedTime));
    }

    [Fact]
    public async Task Bad_input_gets_its_problem_and_stores_nothing()
    {
        (object Body, HttpStatusCode Status, string Code)[] cases =
        [
            (new { name = "bad name", type = "local" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidName),
            (new { type = "local" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidName),
            (new { name = "c" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { name = "c", type = "" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { name = "c", type = "ssh" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { name = "c", type = "slurm" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { name = "c", type = "kubernetes" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { name = "c", type = "local", minNodes = -1 }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { name = "c", type = "local", maxNodes = 0 }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { name = "c", type = "local", maxNodes = 1001 }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { name = "c", type = "local", minNodes = 3, maxNodes = 2 }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { name = "c", type = "local", minNodes = 1001 }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { name = "c", type = "local", idleSeconds = -1 }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { name = "c", type = "local", description = new string('d', 10_001) }, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest),
            (new { name = "c", type = "local", tags = new Dictionary<string, string> { [""] = "x" } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidName),
            (new { name = "c", type = "local", tags = new Dictionary<string, string> { ["k"] = new string('v', 5001) } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest),
        ];
        foreach (var (body, status, code) in cases)
            await HttpAssert.Problem(status, code, await Post($"{Ws}/computes", body));
        var ssh = await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute, await Post($"{Ws}/computes", new { name = "c", type = "ssh" }));
        Assert.Contains("local", ssh.Detail!);
        Assert.Contains("attached", ssh.Detail!);
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await PostRaw($"{Ws}/computes", """{"name": "c", "type": "local", "maxNodes": "two"}"""));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await PostRaw($"{Ws}/computes", """{"name": "c", "type": "local", "maxNodes": 1.5}"""));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await PostRaw($"{Ws}/computes", """{"name": "c", "type": "local", "idleSeconds": 99999999999}"""));

        Assert.Empty(await Names());
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ComputeNotFound, await Http.GetAsync($"{Ws}/computes/c"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Http.GetAsync($"{Ws}/computes/.hidden"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Http.DeleteAsync($"{Ws}/computes/.hidden"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.WorkspaceNotFound, await Http.GetAsync("/api/v1/workspaces/nowhere/computes"));
    }

    [Fact]
    public async Task Patch_changes_the_fields_given_and_validates_the_result()
    {
        var created = await Create(new { name = "cpu", type = "local", minNodes = 1, maxNodes = 4, description = "first", tags = new Dictionary<string, string> { ["a"] = "1" } });
        var changed = await HttpAssert.Json<ComputeDto>(HttpStatusCode.OK, await Patch($"{Ws}/computes/cpu", new { maxNodes = 10, idleSeconds = 30 }));
        Assert.Equal(("local", 1, 10, 30, "first", "1"), (changed.Type, changed.MinNodes, changed.MaxNodes, changed.IdleSeconds, changed.Description, changed.Tags["a"]));
        Assert.Equal(created.CreatedTime, changed.CreatedTime);
        Assert.Empty(changed.Nodes);
        changed = await HttpAssert.Json<ComputeDto>(HttpStatusCode.OK, await Patch($"{Ws}/computes/cpu",
            new { minNodes = 0, description = "second", tags = new Dictionary<string, string> { ["b"] = "2" } }));
        Assert.Equal((0, 10, 30, "second"), (changed.MinNodes, changed.MaxNodes, changed.IdleSeconds, changed.Description));
        Assert.Equal(["b"], changed.Tags.Keys);
        var reread = await Get<ComputeDto>($"{Ws}/computes/cpu");
        Assert.Equal((changed.MinNodes, changed.MaxNodes, changed.IdleSeconds, changed.Description, "2"),
            (reread.MinNodes, reread.MaxNodes, reread.IdleSeconds, reread.Description, reread.Tags["b"]));

        await HttpAssert.Json<ComputeDto>(HttpStatusCode.OK, await Patch($"{Ws}/computes/cpu", new { minNodes = 2 }));
        (object Body, HttpStatusCode Status, string Code)[] cases =
        [
            (new { maxNodes = 1 }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute), // below the stored minNodes (2)
            (new { minNodes = 11 }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute), // above the stored maxNodes (10)
            (new { minNodes = -1 }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { maxNodes = 0 }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { maxNodes = 1001 }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { idleSeconds = -5 }, HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute),
            (new { description = new string('d', 10_001) }, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest),
            (new { tags = new Dictionary<string, string> { [""] = "x" } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidName),
        ];
        foreach (var (body, status, code) in cases)
            await HttpAssert.Problem(status, code, await Patch($"{Ws}/computes/cpu", body));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson,
            await Http.PatchAsync($"{Ws}/computes/cpu", new StringContent("""{"maxNodes": "many"}""", System.Text.Encoding.UTF8, "application/json")));
        var stored = await Get<ComputeDto>($"{Ws}/computes/cpu");
        Assert.Equal((2, 10, 30, "second"), (stored.MinNodes, stored.MaxNodes, stored.IdleSeconds, stored.Description));

        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ComputeNotFound, await Patch($"{Ws}/computes/nothing", new { maxNodes = 2 }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Patch($"{Ws}/computes/.x", new { maxNodes = 2 }));
        Assert.Equal(["cpu"], await Names());
    }

    [Fact]
    public async Task Delete_removes_the_target_and_frees_its_name()
    {
        await Create(new { name = "cpu", type = "local" });
        await Create(new { name = "keep", type = "attached" });
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Ws}/computes/cpu"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ComputeNotFound, await Http.GetAsync($"{Ws}/computes/cpu"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ComputeNotFound, await Http.DeleteAsync($"{Ws}/computes/cpu"));
        Assert.Equal(["keep"], await Names());
        Assert.Equal("attached", (await Create(new { name = "cpu", type = "attached" })).Type);
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_answer()
    {
        var first = await Create(new { name = "idem", type = "local", maxNodes = 3 }, "key-1");
        var replay = await Create(new { name = "idem", type = "local", maxNodes = 3 }, "key-1");
        Assert.Equal(first with { Nodes = replay.Nodes, Tags = replay.Tags }, replay);
        await HttpAssert.Problem(HttpStatusCode.UnprocessableEntity, ErrorCodes.IdempotencyKeyReused,
            await Post($"{Ws}/computes", new { name = "idem2", type = "local" }, "key-1"));
        // The key of a refused request is not spent: the same key works once the request is fixed.
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.ComputeExists, await Post($"{Ws}/computes", new { name = "idem", type = "local" }, "key-2"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidCompute, await Post($"{Ws}/computes", new { name = "fresh", type = "ssh" }, "key-3"));
        Assert.Equal(["idem"], await Names());
    }

    [Fact]
    public async Task Deleting_the_workspace_deletes_its_targets()
    {
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new { name = "scratch" }));
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces/scratch/computes", new { name = "cpu", type = "local" }));
        await Create(new { name = "cpu", type = "attached" });
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync("/api/v1/workspaces/scratch?force=true"));
        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new { name = "scratch" }));
        Assert.Empty((await Get<ListResult<ComputeDto>>("/api/v1/workspaces/scratch/computes")).Value);
        Assert.Equal("attached", (await Get<ComputeDto>($"{Ws}/computes/cpu")).Type);
    }

    [Fact]
    public async Task The_client_round_trips_every_call()
    {
        var client = Server.Client.Computes;
        var created = await client.CreateAsync("default", new CreateComputeRequest("c1", "local", MaxNodes: 2), "client-key");
        Assert.Equal(created.CreatedTime, (await client.CreateAsync("default", new CreateComputeRequest("c1", "local", MaxNodes: 2), "client-key")).CreatedTime);
        Assert.Equal(5, (await client.UpdateAsync("default", "c1", new UpdateComputeRequest(MaxNodes: 5))).MaxNodes);
        Assert.Equal(5, (await client.GetAsync("default", "c1")).MaxNodes);
        Assert.Equal(["c1"], (await client.ListAsync("default")).Select(c => c.Name));
        await client.DeleteAsync("default", "c1");
        Assert.Empty(await client.ListAsync("default"));
    }
}
