using System.Net;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Api;

public abstract class AuthApiTests : ApiTestBase
{
    [Fact]
    public async Task Health_needs_no_token_but_the_api_does()
    {
        using var anonymous = Server.NewHttp(null);
        await HttpAssert.Status(HttpStatusCode.OK, await anonymous.GetAsync("/healthz"));
        await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await anonymous.GetAsync($"{Ws}/runs"));
        using var wrong = Server.NewHttp("loom_not-a-real-token");
        await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await wrong.GetAsync($"{Ws}/runs"));
        using var malformed = Server.NewHttp(null);
        malformed.DefaultRequestHeaders.Add("Authorization", "Basic Zm9vOmJhcg==");
        await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await malformed.GetAsync($"{Ws}/runs"));
    }

    [Fact]
    public async Task Tokens_are_shown_once_stored_hashed_and_revocable()
    {
        var created = await HttpAssert.Json<CreatedTokenDto>(HttpStatusCode.Created,
            await Post("/api/v1/tokens", new CreateTokenRequest("ci", "default", Role.Contributor)));
        Assert.StartsWith("loom_", created.Token);
        using var ci = Server.NewHttp(created.Token);
        await HttpAssert.Status(HttpStatusCode.Created, await Post($"{Ws}/runs", new { experiment = "e" }, http: ci));
        var listed = await Get<ListResult<TokenDto>>("/api/v1/tokens");
        Assert.Contains(listed.Value, t => t.Id == created.Id && t.Name == "ci" && !t.Revoked);
        Assert.DoesNotContain(created.Token, await Http.GetStringAsync("/api/v1/tokens"));
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"/api/v1/tokens/{created.Id}"));
        await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await ci.GetAsync($"{Ws}/runs"));
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.TokenNotFound, await Http.DeleteAsync("/api/v1/tokens/tok_missing"));
    }

    [Fact]
    public async Task Roles_limit_what_a_token_may_do()
    {
        var reader = await HttpAssert.Json<CreatedTokenDto>(HttpStatusCode.Created,
            await Post("/api/v1/tokens", new CreateTokenRequest("viewer", "default", Role.Reader)));
        using var http = Server.NewHttp(reader.Token);
        await HttpAssert.Status(HttpStatusCode.OK, await http.GetAsync($"{Ws}/runs"));
        await HttpAssert.Problem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden, await Post($"{Ws}/runs", new { experiment = "e" }, http: http));
        await HttpAssert.Problem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden, await Post("/api/v1/tokens", new CreateTokenRequest("x"), http: http));
        await HttpAssert.Problem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden, await Post("/api/v1/workspaces", new CreateWorkspaceRequest("mine"), http: http));

        await HttpAssert.Status(HttpStatusCode.Created, await Post("/api/v1/workspaces", new CreateWorkspaceRequest("other")));
        await HttpAssert.Problem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden, await http.GetAsync("/api/v1/workspaces/other/runs"));
        var visible = await HttpAssert.Json<ListResult<WorkspaceDto>>(HttpStatusCode.OK, await http.GetAsync("/api/v1/workspaces"));
        Assert.Equal(["default"], visible.Value.Select(w => w.Name));

        var contributor = await HttpAssert.Json<CreatedTokenDto>(HttpStatusCode.Created,
            await Post("/api/v1/tokens", new CreateTokenRequest("writer", "default", Role.Contributor)));
        using var writer = Server.NewHttp(contributor.Token);
        await HttpAssert.Problem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden, await writer.DeleteAsync("/api/v1/workspaces/default"));
    }

    [Fact]
    public async Task Bad_token_requests_are_problems()
    {
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, await Post("/api/v1/tokens", new { name = "bad name" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await PostRaw("/api/v1/tokens", "{\"name\": "));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await PostRaw("/api/v1/tokens", "{\"name\": \"x\", \"role\": \"King\"}"));
        Assert.Single((await Get<ListResult<TokenDto>>("/api/v1/tokens")).Value);
    }
}
