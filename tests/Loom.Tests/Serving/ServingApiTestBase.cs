using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Serving;

/// <summary>
/// A fresh server with a <see cref="FakeDeploymentHost"/> per test over the provider a subclass picks (Api/Providers.cs), with the
/// calls every serving test makes: a model, a source snapshot, an endpoint, a deployment proven to the end.
/// </summary>
public abstract class ServingApiTestBase : IAsyncLifetime
{
    protected const string Ws = "/api/v1/workspaces/default";
    protected const string Endpoints = Ws + "/endpoints";
    private ServingTestServer? _server;

    protected ServingTestServer Server => _server ?? throw new InvalidOperationException("Server not started.");
    protected HttpClient Http => Server.Http;
    protected FakeDeploymentHost Host => Server.Host;

    protected abstract Task<string?> DatabaseAsync();

    /// <summary>A client of the server without a token, for scoring calls.</summary>
    protected HttpClient Anonymous { get; private set; } = new();

    public async Task InitializeAsync()
    {
        await StartingAsync();
        _server = await ServingTestServer.StartAsync(await DatabaseAsync(), configure: Configure);
        Anonymous = Server.NewHttp(null);
    }

    public async Task DisposeAsync()
    {
        Anonymous.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        await StoppedAsync();
    }

    /// <summary>Runs before the server starts, for what it needs running (a collector it exports to).</summary>
    protected virtual Task StartingAsync() => Task.CompletedTask;

    /// <summary>Changes the server's options before it starts.</summary>
    protected virtual void Configure(Loom.Server.ServerOptions options)
    {
    }

    /// <summary>Runs once the server stopped.</summary>
    protected virtual Task StoppedAsync() => Task.CompletedTask;

    /// <summary>Stops the server and starts it again on the same data, with a fresh fake host.</summary>
    protected async Task RestartAsync()
    {
        await Server.StopAsync();
        await Server.StartAgainAsync();
        Anonymous.Dispose();
        Anonymous = Server.NewHttp(null);
    }

    protected Task<HttpResponseMessage> Post(string url, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: LoomJson.Options) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return Http.SendAsync(request);
    }

    protected Task<HttpResponseMessage> Patch(string url, object body) => Http.PatchAsync(url, JsonContent.Create(body, options: LoomJson.Options));

    protected async Task<T> Get<T>(string url) => await HttpAssert.Json<T>(HttpStatusCode.OK, await Http.GetAsync(url));

    protected async Task<SnapshotEntryDto> Blob(string path, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await HttpAssert.Status(HttpStatusCode.Created, await Http.PutAsync($"{Ws}/blobs/{sha}", new ByteArrayContent(bytes)));
        return new SnapshotEntryDto(path, bytes.Length, 420, sha);
    }

    /// <summary>Registers the next version of a model with one file.</summary>
    protected async Task<ModelDto> Model(string name, string file = "model.pkl", string content = "weights") =>
        await HttpAssert.Json<ModelDto>(HttpStatusCode.Created, await Post($"{Ws}/models", new { name, files = new[] { await Blob(file, content) } }));

    /// <summary>A source folder holding <c>score.py</c> (and <paramref name="extra"/> files).</summary>
    protected async Task<string> Source(params (string Path, string Content)[] extra)
    {
        var entries = new List<SnapshotEntryDto> { await Blob("score.py", "def init():\n    pass\n\ndef run(raw_data):\n    return raw_data\n") };
        foreach (var (path, content) in extra) entries.Add(await Blob(path, content));
        return (await HttpAssert.Json<SnapshotCreatedDto>(HttpStatusCode.Created, await Post($"{Ws}/snapshots", new { entries }))).Id;
    }

    protected async Task<EndpointDto> Endpoint(string name, string? authMode = null) =>
        await HttpAssert.Json<EndpointDto>(HttpStatusCode.Created, await Post(Endpoints, new { name, authMode }));

    /// <summary>Creates a deployment and waits until its proof ends.</summary>
    protected async Task<DeploymentDto> Deploy(string endpoint, string name, object? extra = null, string? expectState = DeploymentStates.Succeeded)
    {
        var body = new Dictionary<string, object?> { ["name"] = name };
        if (extra is not null)
            foreach (var property in extra.GetType().GetProperties()) body[property.Name] = property.GetValue(extra);
        var created = await HttpAssert.Json<DeploymentDto>(HttpStatusCode.Created, await Post($"{Endpoints}/{endpoint}/deployments", body));
        Assert.Equal(DeploymentStates.Updating, created.State);
        return await Settled(endpoint, name, expectState);
    }

    /// <summary>Polls a deployment until it is no longer <c>Updating</c>, and checks the state it ended in.</summary>
    protected async Task<DeploymentDto> Settled(string endpoint, string name, string? expectState = DeploymentStates.Succeeded)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var deployment = await Get<DeploymentDto>($"{Endpoints}/{endpoint}/deployments/{name}");
            if (deployment.State != DeploymentStates.Updating)
            {
                if (expectState is not null) Assert.True(expectState == deployment.State, $"{name} ended {deployment.State}: {deployment.Error}");
                return deployment;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{endpoint}/{name} is still Updating");
            await Task.Delay(20);
        }
    }

    /// <summary>An endpoint with a Succeeded deployment <c>blue</c> of model <c>iris:1</c>, which takes all traffic.</summary>
    protected async Task<(EndpointDto Endpoint, string Snapshot)> Deployed(string name = "iris", string? authMode = null)
    {
        if (!(await Get<ListResult<ModelDto>>($"{Ws}/models?name=iris")).Value.Any()) await Model("iris");
        var snapshot = await Source();
        await Endpoint(name, authMode);
        await Deploy(name, "blue", new { models = new[] { "iris:1" }, snapshotId = snapshot, entryScript = "score.py" });
        return (await Get<EndpointDto>($"{Endpoints}/{name}"), snapshot);
    }

    protected async Task<EndpointKeysDto> Keys(string endpoint) => await Get<EndpointKeysDto>($"{Endpoints}/{endpoint}/keys");

    /// <summary>Calls a scoring URI with a bearer value (or none) and, when given, a pinned deployment.</summary>
    protected async Task<HttpResponseMessage> Score(string endpoint, string body, string? bearer, string? deployment = null, string workspace = "default")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/endpoints/{workspace}/{endpoint}/score")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (deployment is not null) request.Headers.Add(ScoringHeaders.Deployment, deployment);
        var response = await Anonymous.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
