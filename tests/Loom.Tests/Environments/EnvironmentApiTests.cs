using System.Net;
using System.Security.Cryptography;
using System.Text;
using Loom.Contracts;
using Loom.TestKit;
using Loom.Tests.Api;

namespace Loom.Tests.Environments;

/// <summary>The environments API; subclassed per metadata provider in Api/Providers.cs.</summary>
public abstract class EnvironmentApiTests : ApiTestBase
{
    private async Task<EnvironmentDto> Register(object body, string? idempotencyKey = null) =>
        await HttpAssert.Json<EnvironmentDto>(HttpStatusCode.Created, await Post($"{Ws}/environments", body, idempotencyKey));

    private static object Spec(string name, params string[] requirements) => new { name, python = new { requirements } };

    [Fact]
    public async Task Versions_count_up_per_name_and_an_unchanged_spec_returns_the_latest()
    {
        var v1 = await Register(Spec("sk", "numpy"));
        var v2 = await Register(Spec("sk", "numpy", "scikit-learn==1.2.1"));
        var again = await Register(Spec("sk", "numpy", "scikit-learn==1.2.1"));
        var v3 = await Register(new { name = "sk", python = new { requirements = new[] { "numpy" } }, variables = new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" } });
        var back = await Register(Spec("sk", "numpy"));
        var other = await Register(Spec("other", "numpy"));
        Assert.Equal([1, 2, 2, 3, 4, 1], new[] { v1, v2, again, v3, back, other }.Select(e => e.Version));
        Assert.Equal((v2.Hash, v2.CreatedTime), (again.Hash, again.CreatedTime));
        Assert.Equal(v1.Hash, back.Hash);
        Assert.Equal(v1.Hash, other.Hash);
        Assert.NotEqual(v1.Hash, v2.Hash);

        Assert.Equal([1, 2, 3, 4], (await Get<ListResult<EnvironmentDto>>($"{Ws}/environments/sk/versions")).Value.Select(e => e.Version));
        Assert.Equal(4, (await Get<EnvironmentDto>($"{Ws}/environments/sk")).Version);
        Assert.Equal(4, (await Get<EnvironmentDto>($"{Ws}/environments/sk/versions/latest")).Version);
        var second = await Get<EnvironmentDto>($"{Ws}/environments/sk/versions/2");
        Assert.Equal(["numpy", "scikit-learn==1.2.1"], second.Python.Requirements!);
        Assert.Equal("python3", second.Python.Interpreter);
        Assert.Equal("1", (await Get<EnvironmentDto>($"{Ws}/environments/sk/versions/3")).Variables["OMP_NUM_THREADS"]);

        var listed = (await Get<ListResult<EnvironmentSummaryDto>>($"{Ws}/environments")).Value;
        Assert.Equal(["system", "other", "sk"], listed.Select(e => e.Name));
        Assert.Equal((4, v1.Hash), (listed[2].LatestVersion, listed[2].Hash));
    }

    [Fact]
    public async Task The_hash_is_the_sha256_of_the_canonical_spec_whatever_the_key_order_or_comments()
    {
        var first = await HttpAssert.Json<EnvironmentDto>(HttpStatusCode.Created, await PostRaw($"{Ws}/environments",
            """
            {"name": "h", "description": "one", "variables": {"B": "2", "A": "1"},
             "python": {"requirements": ["numpy==1.26.4", "  pandas  ", "", "# a comment", "scipy # pinned later"],
                        "pipOptions": {"noIndex": true, "findLinks": ["./wheels"]}}}
            """));
        var second = await HttpAssert.Json<EnvironmentDto>(HttpStatusCode.Created, await PostRaw($"{Ws}/environments",
            """
            {"python": {"pipOptions": {"findLinks": ["./wheels"], "noIndex": true, "extraIndexUrls": []},
                        "requirements": ["numpy==1.26.4", "pandas", "scipy"], "interpreter": "python3"},
             "variables": {"A": "1", "B": "2"}, "name": "h", "description": "two", "image": null}
            """));
        Assert.Equal((1, first.Hash), (second.Version, second.Hash));
        Assert.Equal(["numpy==1.26.4", "pandas", "scipy"], first.Python.Requirements!);

        const string Canonical = """{"image":null,"python":{"interpreter":"python3","pipOptions":{"extraIndexUrls":[],"findLinks":["./wheels"],"indexUrl":null,"noIndex":true},"requirements":["numpy==1.26.4","pandas","scipy"]},"variables":{"A":"1","B":"2"}}""";
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical))), first.Hash);

        // Name and version are not part of the hash; requirement order is.
        Assert.Equal(first.Hash, (await Register(new { name = "h2", variables = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" },
            python = new { requirements = new[] { "numpy==1.26.4", "pandas", "scipy" }, pipOptions = new { noIndex = true, findLinks = new[] { "./wheels" } } } })).Hash);
        Assert.NotEqual(first.Hash, (await Register(Spec("h3", "pandas", "numpy==1.26.4", "scipy"))).Hash);
    }

    [Fact]
    public async Task System_is_in_every_workspace_and_its_name_is_reserved()
    {
        var listed = (await Get<ListResult<EnvironmentSummaryDto>>($"{Ws}/environments")).Value;
        var summary = Assert.Single(listed);
        Assert.Equal(("system", 1), (summary.Name, summary.LatestVersion));
        var system = await Get<EnvironmentDto>($"{Ws}/environments/system");
        Assert.Equal(("agent", summary.Hash), (system.Python.Interpreter, system.Hash));
        Assert.Empty(system.Python.Requirements!);
        Assert.Equal(system.Hash, (await Get<EnvironmentDto>($"{Ws}/environments/system/versions/1")).Hash);
        Assert.Equal([1], (await Get<ListResult<EnvironmentDto>>($"{Ws}/environments/system/versions")).Value.Select(e => e.Version));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EnvironmentNotFound, await Http.GetAsync($"{Ws}/environments/system/versions/2"));
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.EnvironmentReserved, await Post($"{Ws}/environments", Spec("system", "numpy")));
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.EnvironmentReserved, await Post($"{Ws}/environments", Spec("System")));

        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new { name = "other" }));
        Assert.Equal(system.Hash, (await Get<EnvironmentDto>("/api/v1/workspaces/other/environments/system")).Hash);
    }

    [Fact]
    public async Task Bad_input_gets_its_problem_and_stores_nothing()
    {
        (object Body, HttpStatusCode Status, string Code)[] cases =
        [
            (new { name = "bad name" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidName),
            (new { python = new { requirements = new[] { "numpy" } } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidName),
            (Spec("e", "==1.0"), HttpStatusCode.BadRequest, ErrorCodes.InvalidEnvironment),
            (Spec("e", "numpy", "-r other.txt"), HttpStatusCode.BadRequest, ErrorCodes.InvalidEnvironment),
            (new { name = "e", python = new { pipOptions = new { indexUrl = "not a url" } } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidEnvironment),
            (new { name = "e", python = new { pipOptions = new { indexUrl = "/srv/simple" } } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidEnvironment),
            (new { name = "e", python = new { pipOptions = new { extraIndexUrls = new[] { "ftp://x" } } } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidEnvironment),
            (new { name = "e", python = new { interpreter = "" } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidEnvironment),
            (new { name = "e", variables = new Dictionary<string, string> { ["1X"] = "a" } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidEnvironment),
            (new { name = "e", variables = new Dictionary<string, string> { ["A-B"] = "a" } }, HttpStatusCode.BadRequest, ErrorCodes.InvalidEnvironment),
            (new { name = "e", image = "has space" }, HttpStatusCode.BadRequest, ErrorCodes.InvalidEnvironment),
        ];
        foreach (var (body, status, code) in cases)
            await HttpAssert.Problem(status, code, await Post($"{Ws}/environments", body));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson,
            await PostRaw($"{Ws}/environments", """{"name": "e", "python": {"requirements": "numpy"}}"""));

        Assert.Equal(["system"], (await Get<ListResult<EnvironmentSummaryDto>>($"{Ws}/environments")).Value.Select(e => e.Name));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EnvironmentNotFound, await Http.GetAsync($"{Ws}/environments/e"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EnvironmentNotFound, await Http.GetAsync($"{Ws}/environments/e/versions"));
        await Register(Spec("e", "numpy"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.EnvironmentNotFound, await Http.GetAsync($"{Ws}/environments/e/versions/2"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.GetAsync($"{Ws}/environments/e/versions/0"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Http.GetAsync($"{Ws}/environments/e/versions/two"));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Http.GetAsync($"{Ws}/environments/.hidden"));
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_answer()
    {
        var first = await Register(Spec("idem", "numpy"), "key-1");
        await Register(Spec("idem", "pandas"));
        var replay = await Register(Spec("idem", "numpy"), "key-1");
        Assert.Equal((1, first.Hash), (replay.Version, replay.Hash));
        await HttpAssert.Problem(HttpStatusCode.UnprocessableEntity, ErrorCodes.IdempotencyKeyReused, await Post($"{Ws}/environments", Spec("idem", "scipy"), "key-1"));
        Assert.Equal([1, 2], (await Get<ListResult<EnvironmentDto>>($"{Ws}/environments/idem/versions")).Value.Select(e => e.Version));
    }
}
