using System.Net.Http.Headers;
using Loom.Client;
using Loom.Server;

namespace Loom.TestKit;

/// <summary>
/// A real Loom server (Kestrel on 127.0.0.1, a free port) in its own temp data folder, over SQLite or
/// a PostgreSQL database, with an admin client ready.
/// </summary>
public sealed class LoomTestServer : IAsyncDisposable
{
    private readonly TempDirectory? _ownedData;
    private RunningServer _server;

    private LoomTestServer(RunningServer server, TempDirectory? ownedData, ServerOptions options)
    {
        _server = server;
        _ownedData = ownedData;
        Options = options;
        AdminToken = server.ReadAdminToken();
        Http = NewHttp(AdminToken);
        Client = new LoomClient(Url, AdminToken);
    }

    public ServerOptions Options { get; }
    public Uri Url => _server.Url;
    public string DataDirectory => Options.DataDirectory;
    public string AdminToken { get; }

    /// <summary>An HttpClient with the server as base address and the admin token.</summary>
    public HttpClient Http { get; }

    public LoomClient Client { get; }

    /// <summary>The server's services, for tests that inspect its endpoints.</summary>
    public IServiceProvider Services => _server.App.Services;

    /// <summary>
    /// Starts a server; local compute targets start agents with the built CLI and Debian's Python. <paramref name="settings"/>
    /// adds configuration keys such as <c>Execution:LeaseSeconds</c>.
    /// </summary>
    public static async Task<LoomTestServer> StartAsync(string? database = null, string? dataDirectory = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var owned = dataDirectory is null ? new TempDirectory("loom-server") : null;
        var options = new ServerOptions
        {
            DataDirectory = dataDirectory ?? owned!.Path,
            Urls = "http://127.0.0.1:0",
            Database = database,
            Banner = false,
            AgentCommand = ["dotnet", CliProcess.Dll],
            AgentPython = "/usr/bin/python3",
            Settings = settings ?? new Dictionary<string, string?>(),
        };
        var server = await LoomServer.StartAsync(options, CancellationToken.None);
        return new LoomTestServer(server, owned, options);
    }

    /// <summary>An HttpClient for this server with another token (or none).</summary>
    public HttpClient NewHttp(string? token)
    {
        var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public LoomClient NewClient(string token) => new(Url, token);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Client.Dispose();
        await _server.DisposeAsync();
        _ownedData?.Dispose();
    }
}
