using System.Net;
using System.Text;
using Loom.Contracts;
using Loom.TestKit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Tests.Meta;

/// <summary>
/// The scoring routes live outside /api, so the API meta-tests do not see them: they pass the token policy (anonymous) and must
/// authenticate every caller themselves, and meet garbage with a 4xx problem.
/// </summary>
public sealed class ScoringMetaTests : IAsyncLifetime
{
    private LoomTestServer _server = null!;

    public async Task InitializeAsync() => _server = await LoomTestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private List<(string Method, string Pattern, RouteEndpoint Endpoint)> ScoringEndpoints() =>
        _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/endpoints/", StringComparison.Ordinal))
            // The Studio's pages /endpoints/{name} share the prefix; they are the Studio's, behind its sign-in.
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e.RoutePattern.RawText!, e)))
            .ToList();

    [Fact]
    public async Task Every_scoring_route_is_anonymous_to_the_policy_and_refuses_callers_without_a_key()
    {
        await HttpAssert.Status(HttpStatusCode.Created, await _server.Http.PostAsync("/api/v1/workspaces/default/endpoints",
            new StringContent("{\"name\": \"iris\"}", Encoding.UTF8, "application/json")));
        var endpoints = ScoringEndpoints();
        Assert.Equal(3, endpoints.Count);
        using var anonymous = _server.NewHttp(null);
        foreach (var (method, pattern, endpoint) in endpoints)
        {
            Assert.NotNull(endpoint.Metadata.GetMetadata<IAllowAnonymous>());
            var url = pattern.Replace("{ws}", "default").Replace("{name}", "iris");
            foreach (var http in new[] { anonymous, _server.NewHttp("wrong-key"), _server.Http })
            {
                var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
                // The admin's Loom token is no key: a key endpoint takes its keys only.
                await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await http.SendAsync(request));
            }
        }
    }

    [Fact]
    public async Task Garbage_on_scoring_routes_never_gets_a_500()
    {
        await HttpAssert.Status(HttpStatusCode.Created, await _server.Http.PostAsync("/api/v1/workspaces/default/endpoints",
            new StringContent("{\"name\": \"iris\"}", Encoding.UTF8, "application/json")));
        var key = (await _server.Client.Endpoints.GetKeysAsync("default", "iris")).PrimaryKey;
        using var keyed = _server.NewHttp(key);
        string[] bodies = ["", "{", "null", new string('x', 10_000), "\u0000\u0001"];
        string[] names = ["iris", "no-such-thing", "%00", new string('a', 300), "bad%20name"];
        foreach (var (method, pattern, _) in ScoringEndpoints())
        foreach (var ws in new[] { "default", "nowhere", "%2e%2e" })
        foreach (var name in names)
        foreach (var body in method == "GET" ? [""] : bodies)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), pattern.Replace("{ws}", ws).Replace("{name}", name));
            if (method != "GET") request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            request.Headers.Add(ScoringHeaders.Deployment, "nope");
            var response = await keyed.SendAsync(request);
            // Liveness of an endpoint where nothing serves is 503 by design, with its health document.
            var liveness = method == "GET" && pattern.EndsWith('/') && response.StatusCode == HttpStatusCode.ServiceUnavailable;
            Assert.True((int)response.StatusCode is >= 400 and < 500 || liveness, $"{method} {request.RequestUri} answered {(int)response.StatusCode}");
            if (name != "%00")
                Assert.True(response.Content.Headers.ContentType?.MediaType == (liveness ? "application/json" : "application/problem+json"),
                    $"{method} {request.RequestUri} answered {(int)response.StatusCode} without a problem");
        }
    }
}
