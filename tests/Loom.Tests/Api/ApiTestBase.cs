using System.Net;
using System.Net.Http.Json;
using System.Text;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Api;

/// <summary>
/// A fresh server per test over the provider a subclass picks, with short helpers for the calls
/// every test makes. The same suites run on SQLite and PostgreSQL.
/// </summary>
public abstract class ApiTestBase : IAsyncLifetime
{
    protected const string Ws = "/api/v1/workspaces/default";
    private LoomTestServer? _server;

    protected LoomTestServer Server => _server ?? throw new InvalidOperationException("Server not started.");
    protected HttpClient Http => Server.Http;

    protected abstract Task<string?> DatabaseAsync();

    /// <summary>Configuration keys for the server (e.g. shorter leases); none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync() => _server = await LoomTestServer.StartAsync(await DatabaseAsync(), settings: Settings);

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    protected Task<HttpResponseMessage> Post(string url, object body, string? idempotencyKey = null, HttpClient? http = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: LoomJson.Options) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return (http ?? Http).SendAsync(request);
    }

    protected Task<HttpResponseMessage> PostRaw(string url, string body, string contentType = "application/json") =>
        Http.PostAsync(url, new StringContent(body, Encoding.UTF8, contentType));

    protected Task<HttpResponseMessage> Patch(string url, object body) =>
        Http.PatchAsync(url, JsonContent.Create(body, options: LoomJson.Options));

    protected async Task<T> Get<T>(string url) => await HttpAssert.Json<T>(HttpStatusCode.OK, await Http.GetAsync(url));

    protected async Task<RunDto> CreateRun(string experiment = "demo", string? parent = null, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["experiment"] = experiment, ["parentRunId"] = parent };
        if (extra is not null)
            foreach (var property in extra.GetType().GetProperties()) body[property.Name] = property.GetValue(extra);
        return await HttpAssert.Json<RunDto>(HttpStatusCode.Created, await Post($"{Ws}/runs", body));
    }

    protected async Task LogPoints(string runId, params (string Name, double Value, long? Step)[] points) =>
        await HttpAssert.Status(HttpStatusCode.OK, await Post($"{Ws}/runs/{runId}/metrics",
            new MetricBatch(points.Select(p => new MetricPoint(p.Name, p.Value, p.Step)).ToList())));
}

/// <summary>Shares one PostgreSQL server among the PostgreSQL test classes; each test gets its own database.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    public PostgresServer Server => _server ?? throw new InvalidOperationException("PostgreSQL not started.");
    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();
    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
