using System.Net.Http.Headers;
using Loom.TestKit;

namespace Loom.Benchmarks;

/// <summary>
/// A fresh in-process Loom server for one provider (TestKit's <see cref="LoomTestServer"/>: Kestrel on
/// 127.0.0.1 port 0, a temp data folder) with a client tuned for load: no per-request timeout surprises.
/// </summary>
public sealed class BenchServer : IAsyncDisposable
{
    private BenchServer(string provider, LoomTestServer server)
    {
        Provider = provider;
        Server = server;
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        var http = new HttpClient(handler) { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.AdminToken);
        Api = new BenchApi(http);
    }

    public string Provider { get; }
    public LoomTestServer Server { get; }
    public BenchApi Api { get; }

    /// <summary>Starts a server on SQLite (database null) or on the given PostgreSQL connection string.</summary>
    public static async Task<BenchServer> StartAsync(string provider, string? database) =>
        new(provider, await LoomTestServer.StartAsync(database));

    public async ValueTask DisposeAsync()
    {
        Api.Http.Dispose();
        await Server.DisposeAsync();
    }
}
