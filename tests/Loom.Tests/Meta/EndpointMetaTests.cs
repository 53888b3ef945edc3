using System.Net;
using System.Text;
using System.Text.Json;
using Loom.Contracts;
using Loom.TestKit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Tests.Meta;

/// <summary>Keeps the surface honest: every API endpoint is documented, needs a token, and meets garbage with a 4xx problem.</summary>
public sealed class EndpointMetaTests : IAsyncLifetime
{
    private LoomTestServer _server = null!;

    public async Task InitializeAsync() => _server = await LoomTestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private List<(string Method, string Pattern, RouteEndpoint Endpoint)> ApiEndpoints() =>
        _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, e.RoutePattern.RawText!, e)))
            .ToList();

    [Fact]
    public async Task Every_api_endpoint_is_in_the_openapi_document()
    {
        using var document = JsonDocument.Parse(await _server.Http.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        var endpoints = ApiEndpoints();
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} endpoints found");
        foreach (var (method, pattern, _) in endpoints)
        {
            var documented = pattern.Replace("{**", "{").TrimEnd('/');
            Assert.True(paths.TryGetProperty(documented, out var path), $"{documented} is missing from the OpenAPI document");
            Assert.True(path.TryGetProperty(method.ToLowerInvariant(), out _), $"{method} {documented} is missing from the OpenAPI document");
        }
        var reference = await _server.Http.GetAsync("/api/reference");
        await HttpAssert.Status(HttpStatusCode.OK, reference);
    }

    [Fact]
    public async Task Every_api_endpoint_needs_a_token()
    {
        using var anonymous = _server.NewHttp(null);
        foreach (var (method, pattern, endpoint) in ApiEndpoints())
        {
            Assert.Null(endpoint.Metadata.GetMetadata<IAllowAnonymous>());
            var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), Fill(pattern, "default", "x")));
            await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, response);
        }
    }

    [Fact]
    public async Task Garbage_never_gets_a_500_and_leaves_stored_data_intact()
    {
        var run = await _server.Client.Runs.CreateAsync("default", new CreateRunRequest("meta"));
        var before = await _server.Http.GetStringAsync($"/api/v1/workspaces/default/runs/{run.Id}");
        string[] bodies = ["", "{", "null", "[]", "42", "\"text\"", "{\"name\": {\"deep\": [1, 2]}}", "{\"points\": \"many\"}", "{\"status\": 7}",
            "{\"experiment\": null, \"parentRunId\": 5}", new string('x', 10_000), "{\"rows\": [{\"name\": \"r\", \"kind\": \"row\"}]}"];
        string[] ids = [run.Id, "no-such-thing", "%00", "..", new string('a', 300)];
        foreach (var (method, pattern, _) in ApiEndpoints())
        {
            // These two act whatever the body says; they are tested on their own.
            if (method == "DELETE" && pattern == "/api/v1/workspaces/{ws}" || pattern.EndsWith("/cancel", StringComparison.Ordinal)) continue;
            foreach (var id in ids)
            foreach (var body in method is "GET" or "DELETE" ? [""] : bodies)
            {
                var request = new HttpRequestMessage(new HttpMethod(method), Fill(pattern, "default", id) + "?maxPoints=-5&pageSize=x&offset=q&follow=false");
                if (method is not ("GET" or "DELETE")) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                var response = await _server.Http.SendAsync(request);
                Assert.True((int)response.StatusCode < 500, $"{method} {request.RequestUri} with '{body[..Math.Min(body.Length, 40)]}' answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                // Kestrel itself refuses a NUL in the path with a bare 400 before any Loom code runs.
                if ((int)response.StatusCode >= 400 && id != "%00")
                    Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                        $"{method} {request.RequestUri} answered {(int)response.StatusCode} without a problem: {await response.Content.ReadAsStringAsync()}");
            }
        }
        Assert.Equal(before, await _server.Http.GetStringAsync($"/api/v1/workspaces/default/runs/{run.Id}"));
    }

    private static string Fill(string pattern, string workspace, string id) => pattern
        .Replace("{ws}", workspace)
        .Replace("{**path}", "a/b.txt").Replace("{**file}", "std_log.txt")
        .Replace("{runId}", id).Replace("{name}", id).Replace("{id}", id);
}
