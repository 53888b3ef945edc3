using System.Net.Http.Headers;
using Loom.Client;
using Loom.Core.Serving;
using Loom.Server;
using Loom.Serving;
using Loom.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Tests.Serving;

/// <summary>
/// A real Loom server (Kestrel on a free port, its own data folder, SQLite or PostgreSQL) whose deployment host is a
/// <see cref="FakeDeploymentHost"/>, or the real one with Debian's Python; it can be stopped and started again on the same data, as
/// a restarted server is.
/// </summary>
public sealed class ServingTestServer : IAsyncDisposable
{
    private readonly TempDirectory _data = new("loom-serving");
    private readonly string? _database;
    private readonly bool _realHost;
    private readonly Action<ServerOptions>? _configure;
    private RunningServer? _server;

    private ServingTestServer(string? database, bool realHost, Action<ServerOptions>? configure)
    {
        _database = database;
        _realHost = realHost;
        _configure = configure;
    }

    public FakeDeploymentHost Host { get; private set; } = new();
    public Uri Url => Running.Url;
    public string DataDirectory => _data.Path;
    public string AdminToken { get; private set; } = "";
    public HttpClient Http { get; private set; } = new();
    public LoomClient Client { get; private set; } = null!;
    public IServiceProvider Services => Running.App.Services;
    private RunningServer Running => _server ?? throw new InvalidOperationException("The server is stopped.");

    /// <summary>
    /// Starts a server; with <paramref name="realHost"/> its deployments run in Python workers (and <see cref="Host"/> is unused);
    /// <paramref name="configure"/> changes its options (e.g. where it exports telemetry).
    /// </summary>
    public static async Task<ServingTestServer> StartAsync(string? database, IReadOnlyDictionary<string, string?>? settings = null, bool realHost = false,
        Action<ServerOptions>? configure = null)
    {
        var server = new ServingTestServer(database, realHost, configure);
        await server.StartAgainAsync(settings);
        return server;
    }

    /// <summary>Starts the server (again) on the same data folder and database, with a fresh fake host.</summary>
    public async Task StartAgainAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        Host = new FakeDeploymentHost();
        var host = Host;
        var options = new ServerOptions
        {
            DataDirectory = _data.Path, Urls = "http://127.0.0.1:0", Database = _database, Banner = false,
            AgentCommand = ["dotnet", CliProcess.Dll], AgentPython = "/usr/bin/python3",
            Settings = settings ?? new Dictionary<string, string?> { ["Endpoints:TelemetryFlushMilliseconds"] = "50", ["Endpoints:ReconcileSeconds"] = "0.2" },
        };
        _configure?.Invoke(options);
        _server = await LoomServer.StartAsync(options, services =>
        {
            if (_realHost) services.AddDeploymentHost(_data.Path, o => o.Python = "/usr/bin/python3");
            else services.AddSingleton<IDeploymentHost>(host);
        }, CancellationToken.None);
        AdminToken = _server.ReadAdminToken();
        Http.Dispose();
        Http = NewHttp(AdminToken);
        Client?.Dispose();
        Client = new LoomClient(Url, AdminToken);
    }

    /// <summary>Stops the server, keeping its data.</summary>
    public async Task StopAsync()
    {
        if (_server is null) return;
        await _server.DisposeAsync();
        _server = null;
    }

    public HttpClient NewHttp(string? token)
    {
        var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Client?.Dispose();
        await StopAsync();
        _data.Dispose();
    }
}
