using System.Net;
using Loom.Contracts;
using Loom.Core.Identity;
using Loom.Studio.Session;
using Loom.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Loom.Tests.Studio;

/// <summary>Signing in to the Studio in a real Chromium, and what a browser without a session is allowed to see.</summary>
public sealed class StudioSigninTests
{
    [Fact]
    public async Task Signing_in_with_the_admin_token_opens_the_experiments_page_and_a_bad_token_is_refused()
    {
        await using var server = await LoomTestServer.StartAsync();
        await server.Client.Runs.CreateAsync("default", new CreateRunRequest(Experiment: "studio-signin"));
        await using var browser = await StudioBrowser.LaunchAsync();

        var page = await browser.SignInAsync(server.Url, server.AdminToken);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "studio-signin" })).ToBeVisibleAsync();
        await StudioBrowser.ScreenshotAsync(page, "experiments");

        await page.GotoAsync("/no-such-page");
        await Assertions.Expect(page.GetByText("/no-such-page is not a Studio page.")).ToBeVisibleAsync();

        var stranger = await browser.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = server.Url.ToString().TrimEnd('/') });
        await stranger.GotoAsync("/signin");
        await stranger.GetByLabel("Token").FillAsync("not-a-token");
        await stranger.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(stranger.GetByRole(AriaRole.Alert)).ToContainTextAsync("unknown");
        Assert.EndsWith("/signin", new Uri(stranger.Url).AbsolutePath);
    }

    [Fact]
    public async Task A_token_for_one_workspace_sees_that_workspace_and_signing_out_ends_the_session()
    {
        await using var server = await LoomTestServer.StartAsync();
        await server.Client.Workspaces.CreateAsync(new CreateWorkspaceRequest("team"));
        await server.Client.Runs.CreateAsync("team", new CreateRunRequest(Experiment: "team-only"));
        await server.Client.Runs.CreateAsync("default", new CreateRunRequest(Experiment: "default-only"));
        var reader = await server.Client.Tokens.CreateAsync(new CreateTokenRequest("reader", "team", Role.Reader));
        await using var browser = await StudioBrowser.LaunchAsync();

        var page = await browser.SignInAsync(server.Url, reader.Token);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "team-only" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("default-only")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("Workspace: team")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin");
        await page.GotoAsync("/experiments");
        Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task A_revoked_token_ends_its_session_and_run_tokens_cannot_sign_in()
    {
        await using var server = await LoomTestServer.StartAsync();
        var person = await server.Client.Tokens.CreateAsync(new CreateTokenRequest("person"));
        await using var browser = await StudioBrowser.LaunchAsync();
        var page = await browser.SignInAsync(server.Url, person.Token);
        // Pages render over the circuit (no prerendering): the empty state shows once it is connected.
        await Assertions.Expect(page.GetByText("No experiments yet")).ToBeVisibleAsync();

        await server.Client.Tokens.RevokeAsync(person.Id);
        // The open page learns of it by itself, through its circuit's periodic check, with no navigation.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin", new() { Timeout = 45_000 });
        await page.GotoAsync("/experiments");
        Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);

        var tokens = server.Services.GetRequiredService<TokenService>();
        Assert.Null(await StudioAuthentication.PrincipalForAsync(tokens, await RunTokenAsync(server), CancellationToken.None));
    }

    private static async Task<string> RunTokenAsync(LoomTestServer server)
    {
        var tokens = server.Services.GetRequiredService<TokenService>();
        var (record, secret) = tokens.NewScoped(TokenKinds.Run, "run-1", "default");
        await server.Services.GetRequiredService<ITokenStore>().InsertAsync(record, CancellationToken.None);
        return secret;
    }

    [Fact]
    public async Task Pages_without_a_session_redirect_to_signin_and_the_api_still_wants_a_bearer_token()
    {
        await using var server = await LoomTestServer.StartAsync();
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Url };

        var page = await anonymous.GetAsync("/experiments");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin", page.Headers.Location!.AbsolutePath);

        var api = await anonymous.GetAsync("/api/v1/workspaces/default/experiments");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);

        using var pageLoad = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        pageLoad.Headers.Accept.ParseAdd("text/html");
        var unknownPage = await anonymous.SendAsync(pageLoad);
        Assert.Equal(HttpStatusCode.Redirect, unknownPage.StatusCode);
        Assert.Equal("/not-found?path=%2Fno-such-page", unknownPage.Headers.Location!.OriginalString);
        var notFound = await anonymous.GetAsync("/not-found?path=%2Fno-such-page");
        Assert.Equal("/signin", notFound.Headers.Location!.AbsolutePath);

        using var withToken = server.NewHttp(server.AdminToken);
        var unknownApi = await withToken.GetAsync("/api/v1/no-such-call");
        Assert.Equal(HttpStatusCode.NotFound, unknownApi.StatusCode);
        Assert.Equal("application/problem+json", unknownApi.Content.Headers.ContentType!.MediaType);

        var script = await anonymous.GetAsync("/_framework/blazor.web.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }
}
