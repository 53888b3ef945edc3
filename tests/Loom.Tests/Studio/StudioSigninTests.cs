using System.Net;
using Loom.TestKit;
using Microsoft.Playwright;

namespace Loom.Tests.Studio;

/// <summary>Signing in to the Studio in a real Chromium, and what a browser without a session is allowed to see.</summary>
public sealed class StudioSigninTests
{
    [Fact]
    public async Task Signing_in_with_the_admin_token_opens_the_experiments_page_and_a_bad_token_is_refused()
    {
        await using var server = await LoomTestServer.StartAsync();
        await server.Client.Runs.CreateAsync("default", new Loom.Contracts.CreateRunRequest(Experiment: "studio-signin"));
        await using var browser = await StudioBrowser.LaunchAsync();

        var page = await browser.SignInAsync(server.Url, server.AdminToken);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "studio-signin" })).ToBeVisibleAsync();
        await StudioBrowser.ScreenshotAsync(page, "experiments");

        var stranger = await browser.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = server.Url.ToString().TrimEnd('/') });
        await stranger.GotoAsync("/signin");
        await stranger.GetByLabel("Token").FillAsync("not-a-token");
        await stranger.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(stranger.GetByRole(AriaRole.Alert)).ToContainTextAsync("unknown");
        Assert.EndsWith("/signin", new Uri(stranger.Url).AbsolutePath);
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

        var script = await anonymous.GetAsync("/_framework/blazor.web.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }
}
