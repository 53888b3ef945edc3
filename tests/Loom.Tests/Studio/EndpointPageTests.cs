using System.Security.Claims;
using Bunit;
using Loom.Contracts;
using Loom.Core.Identity;
using Loom.Core.Serving;
using Loom.Core.Workspaces;
using Loom.Studio.Components.Pages.Endpoints;
using Loom.TestKit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Loom.Tests.Studio;

/// <summary>
/// The endpoint pages over a real server with a real (no-code ONNX) deployment: deployments and traffic, keys behind Reveal, the test form
/// through the scoring path, telemetry and recent errors.
/// </summary>
public sealed class EndpointPageTests : StudioComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private async Task DeployLinearAsync(string endpoint, string authMode = EndpointAuthModes.Key)
    {
        var bytes = OnnxModelBuilder.LinearModel();
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        await Server.Client.Snapshots.UploadBlobAsync("default", sha, new MemoryStream(bytes));
        await Server.Client.Models.RegisterAsync("default", new RegisterModelRequest("linear", Framework: "onnx",
            Files: [new SnapshotEntryDto("linear.onnx", bytes.Length, 420, sha)]));
        await Server.Client.Endpoints.CreateAsync("default", new CreateEndpointRequest(endpoint, authMode));
        await Server.Client.Endpoints.CreateDeploymentAsync("default", endpoint, new CreateDeploymentRequest("blue", ["linear:1"]));
        var blue = await Server.Client.Endpoints.WaitForDeploymentAsync("default", endpoint, "blue", TimeSpan.FromMilliseconds(100));
        Assert.True(blue.State == DeploymentStates.Succeeded, $"{blue.Error}\n{blue.InitLog}");
    }

    private IRenderedComponent<Bunit.Rendering.ContainerFragment> RenderDetails(string endpoint) => Context.Render(builder =>
    {
        builder.OpenComponent<MudPopoverProvider>(0);
        builder.CloseComponent();
        builder.OpenComponent<MudSnackbarProvider>(1);
        builder.CloseComponent();
        builder.OpenComponent<EndpointDetails>(2);
        builder.AddAttribute(3, nameof(EndpointDetails.Name), endpoint);
        builder.CloseComponent();
    });

    private void SignInAsReader() => Context.AddAuthorization().SetAuthorized("reader").SetClaims(new Claim(LoomClaims.Admin, "false"),
        new Claim(LoomClaims.Workspace, "default"), new Claim(LoomClaims.Role, nameof(Role.Reader)), new Claim(LoomClaims.Kind, TokenKinds.User));

    // The page refreshes every few seconds; an element is found and used in one go on the renderer, so a refresh cannot come between.
    private static Task SetBody(IRenderedComponent<Bunit.Rendering.ContainerFragment> page, string body) =>
        page.InvokeAsync(() => page.Find(".loom-test textarea").Input(body));

    private static Task Click(IRenderedComponent<Bunit.Rendering.ContainerFragment> page, string selector, string text) =>
        page.InvokeAsync(() => page.FindAll(selector).Single(b => b.TextContent.Contains(text)).Click());

    [Fact]
    public async Task A_workspace_without_endpoints_says_how_to_create_and_deploy_one()
    {
        var page = Context.Render<EndpointList>();
        await page.WaitForAssertionAsync(() => Assert.Contains("No endpoints yet", page.Markup), Wait);
        Assert.Contains("./loom endpoint create iris --auth key", page.Markup);
        Assert.Contains("./loom deployment create --endpoint iris --name blue --model iris:1", page.Markup);
    }

    [Fact]
    public async Task Endpoints_are_listed_with_auth_scoring_uri_traffic_and_deployment_states()
    {
        await DeployLinearAsync("linear");
        await Server.Client.Endpoints.CreateAsync("default", new CreateEndpointRequest("empty", EndpointAuthModes.Token));

        var page = Context.Render<EndpointList>();
        await page.WaitForAssertionAsync(() => Assert.Equal(2, page.FindAll("tbody tr").Count), Wait);
        var linear = page.FindAll("tbody tr").Single(r => r.TextContent.Contains("linear"));
        Assert.Equal("/endpoints/linear", linear.QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("/endpoints/default/linear/score", linear.TextContent);
        Assert.Contains("blue 100%", linear.TextContent);
        Assert.Contains(DeploymentStates.Succeeded, linear.TextContent);
        var empty = page.FindAll("tbody tr").Single(r => r.TextContent.Contains("empty"));
        Assert.Contains("token", empty.TextContent);
        Assert.Contains("no traffic", empty.TextContent);
    }

    [Fact]
    public async Task Keys_stay_hidden_until_revealed()
    {
        await DeployLinearAsync("linear");
        var keys = await Server.Client.Endpoints.GetKeysAsync("default", "linear");

        var page = RenderDetails("linear");
        await page.WaitForAssertionAsync(() => Assert.Contains("Reveal", page.Find(".loom-keys").TextContent), Wait);
        Assert.DoesNotContain(keys.PrimaryKey, page.Markup);
        Assert.DoesNotContain(keys.SecondaryKey, page.Markup);

        await Click(page, ".loom-keys button", "Reveal");
        await page.WaitForAssertionAsync(() => Assert.Contains(keys.PrimaryKey, page.Find(".loom-keys").TextContent), Wait);
        Assert.Contains(keys.SecondaryKey, page.Find(".loom-keys").TextContent);

        await Click(page, ".loom-keys button", "Hide");
        Assert.DoesNotContain(keys.PrimaryKey, page.Markup);
    }

    [Fact]
    public async Task A_reader_sees_the_endpoint_but_can_neither_reveal_keys_nor_send_requests()
    {
        await DeployLinearAsync("linear");
        var keys = await Server.Client.Endpoints.GetKeysAsync("default", "linear");
        SignInAsReader();

        var page = RenderDetails("linear");
        await page.WaitForAssertionAsync(() => Assert.Contains(DeploymentStates.Succeeded, page.Find(".loom-deployments").TextContent), Wait);
        Assert.True(page.FindAll(".loom-keys button").Single(b => b.TextContent.Contains("Reveal")).HasAttribute("disabled"));
        Assert.True(page.FindAll(".loom-test button").Single(b => b.TextContent.Contains("Send")).HasAttribute("disabled"));
        Assert.Contains("needs the Contributor role", page.Find(".loom-test").TextContent);
        Assert.DoesNotContain(keys.PrimaryKey, page.Markup);
    }

    [Fact]
    public async Task An_unknown_endpoint_is_a_clear_message()
    {
        var page = RenderDetails("no-such-endpoint");
        await page.WaitForAssertionAsync(() => Assert.Contains("Endpoint 'no-such-endpoint' does not exist", page.Find(".mud-alert").TextContent), Wait);
        Assert.Contains("All endpoints", page.Markup);
    }

    [Fact]
    public async Task The_test_form_scores_through_the_endpoint_and_the_request_shows_in_telemetry_and_errors()
    {
        await DeployLinearAsync("linear");
        var page = RenderDetails("linear");
        // The ONNX deployment's schema gives the form a body to start from: zeros shaped like its input.
        await page.WaitForAssertionAsync(() => Assert.Contains("\"inputs\"", page.Find(".loom-test textarea").GetAttribute("value") ?? ""), Wait);
        Assert.Contains("No requests in the last 15 min", page.Markup);

        await SetBody(page, """{"data": [[1, 2, 3]]}""");
        await Click(page, ".loom-test button", "Send");
        await page.WaitForAssertionAsync(() => Assert.Equal("200", page.Find(".loom-test-result").GetAttribute("data-status")), Wait);
        Assert.Contains("answered by blue", page.Find(".loom-test-result").TextContent);
        Assert.Contains("4.5", page.Find("[data-testid=test-response]").TextContent);

        await SetBody(page, """{"data": [[1, 2]]}""");
        await Click(page, ".loom-test button", "Send");
        await page.WaitForAssertionAsync(() => Assert.NotEqual("200", page.Find(".loom-test-result").GetAttribute("data-status")), Wait);
        Assert.Contains("shape (n, 3)", page.Find("[data-testid=test-response]").TextContent);

        await page.WaitForAssertionAsync(() =>
        {
            var requests = page.FindAll(".loom-summary .loom-figure").Single(f => f.TextContent.Contains("Requests"));
            Assert.Equal("2", requests.QuerySelector(".loom-figure-value")!.TextContent);
            var error = page.Find(".loom-errors tbody tr");
            Assert.Contains("blue", error.TextContent);
            Assert.Contains("shape (n, 3)", error.TextContent);
        }, Wait);
    }

    [Fact]
    public async Task A_token_endpoint_is_tested_with_the_signed_in_users_identity_and_a_pinned_deployment()
    {
        await DeployLinearAsync("secure", EndpointAuthModes.Token);
        var page = RenderDetails("secure");
        await page.WaitForAssertionAsync(() => Assert.Contains("takes Loom tokens", page.Markup), Wait);
        var user = await Context.Services.GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>().GetAuthenticationStateAsync();
        var scope = await Server.Services.GetRequiredService<WorkspaceService>().AuthorizeAsync(user.User, "default", Role.Contributor, CancellationToken.None);
        var endpoint = await Server.Services.GetRequiredService<EndpointService>().GetAsync(scope.Workspace, "secure", Server.Url.ToString(), CancellationToken.None);

        var answer = await EndpointTestCall.SendAsync(Server.Services.GetRequiredService<ScoringService>(), Server.Services.GetRequiredService<EndpointService>(),
            user.User, scope, endpoint, """{"data": [[1, 1, 1]]}""", "blue", TimeProvider.System, CancellationToken.None);
        Assert.Equal(200, answer.Status);
        Assert.Equal("blue", answer.Deployment);
        Assert.Equal("""{"Y":[[2.5,1.5]]}""", answer.Body);

        var stranger = new ClaimsPrincipal(new ClaimsIdentity());
        var refused = await EndpointTestCall.SendAsync(Server.Services.GetRequiredService<ScoringService>(), Server.Services.GetRequiredService<EndpointService>(),
            stranger, scope, endpoint, """{"data": [[1, 1, 1]]}""", null, TimeProvider.System, CancellationToken.None);
        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public async Task The_chart_series_counts_requests_per_bucket_with_latency_percentiles()
    {
        await Server.Client.Endpoints.CreateAsync("default", new CreateEndpointRequest("charted"));
        var workspace = await Server.Services.GetRequiredService<WorkspaceService>().ResolveAsync("default", CancellationToken.None);
        var endpoint = await Server.Services.GetRequiredService<EndpointService>().FindAsync(workspace, "charted", CancellationToken.None);
        var at = DateTimeOffset.UtcNow.AddSeconds(-30).ToUnixTimeMilliseconds();
        await Server.Services.GetRequiredService<IEndpointTelemetryStore>().InsertAsync(Enumerable.Range(1, 10)
            .Select(i => new EndpointRequestRecord(workspace.Id, endpoint.Id, "blue", at, i, i > 8 ? 502 : 200, 10, 10, null)).ToList(), CancellationToken.None);
        var metrics = Server.Services.GetRequiredService<EndpointMetricsService>();

        var series = await metrics.SeriesAsync(workspace, "charted", 5, 60, CancellationToken.None);
        Assert.Equal(TimeSpan.FromMinutes(1), series.BucketSize);
        Assert.All(series.Buckets, b => Assert.Equal(0, b.Start.ToUnixTimeMilliseconds() % 60_000));
        var bucket = Assert.Single(series.Buckets, b => b.Requests > 0);
        Assert.InRange(at, bucket.Start.ToUnixTimeMilliseconds(), bucket.Start.ToUnixTimeMilliseconds() + 59_999);
        Assert.Equal((10L, 2L, 5.0, 10.0, 10.0), (bucket.Requests, bucket.Errors, bucket.P50!.Value, bucket.P95!.Value, bucket.P99!.Value));
        Assert.All(series.Buckets.Where(b => b.Requests == 0), b => Assert.Null(b.P50));
        Assert.False(series.Truncated);

        var tooMany = await Assert.ThrowsAsync<Loom.Core.Common.LoomException>(() => metrics.SeriesAsync(workspace, "charted", 60, 1, CancellationToken.None));
        Assert.Equal(ErrorCodes.InvalidRequest, tooMany.Code);
        var unknown = await Assert.ThrowsAsync<Loom.Core.Common.LoomException>(() => metrics.SeriesAsync(workspace, "nope", 60, 60, CancellationToken.None));
        Assert.Equal(ErrorCodes.EndpointNotFound, unknown.Code);
    }
}
