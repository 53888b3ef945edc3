using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Serving.Standalone;

/// <summary>
/// A real server for <c>loom serve</c> processes to read deployments from, with the calls those tests make: register a model, deploy a
/// script, start <c>loom serve</c> on a free port, score on it, stop it with SIGTERM.
/// </summary>
public abstract class ServeTestBase : IAsyncLifetime
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private readonly TempDirectory _home = new("loom-serve-home");
    private readonly TempDirectory _gates = new("loom-serve-gates");
    private LoomTestServer? _server;

    protected LoomTestServer Server => _server ?? throw new InvalidOperationException("Not started.");

    protected string Gates => _gates.Path;

    public async Task InitializeAsync() => _server = await LoomTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _gates.Dispose();
        _home.Dispose();
    }

    protected static string JsonQuote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private async Task<string> UploadAsync(string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var blob = await Server.Client.Snapshots.UploadBlobAsync("default", Convert.ToHexStringLower(SHA256.HashData(bytes)), new MemoryStream(bytes));
        return (await Server.Client.Snapshots.CreateAsync("default", [new SnapshotEntryDto(path, bytes.Length, 420, blob.Sha256)])).Id;
    }

    /// <summary>
    /// Registers the model, creates the endpoint and a deployment <c>blue</c> of <paramref name="script"/> (with <paramref name="deployment"/>'s
    /// sample request and variables, when given), and waits for the server's own proof.
    /// </summary>
    protected async Task<DeploymentDto> DeployAsync(string endpoint, string script, string authMode = EndpointAuthModes.Key,
        CreateDeploymentRequest? deployment = null)
    {
        var client = Server.Client;
        await RegisterAsync(endpoint, "weights-1");
        await client.Endpoints.CreateAsync("default", new CreateEndpointRequest(endpoint, authMode));
        await client.Endpoints.CreateDeploymentAsync("default", endpoint, new CreateDeploymentRequest("blue", [$"{endpoint}:1"],
            SnapshotId: await UploadAsync("score.py", script), EntryScript: "score.py", WorkersPerReplica: 1,
            SampleRequest: deployment?.SampleRequest, Variables: deployment?.Variables));
        using var bound = new CancellationTokenSource(Bound);
        return await client.Endpoints.WaitForDeploymentAsync("default", endpoint, "blue", TimeSpan.FromMilliseconds(100), cancellationToken: bound.Token);
    }

    /// <summary>Registers the next version of model <paramref name="name"/>: one file, <c>model.txt</c>, holding <paramref name="text"/>.</summary>
    protected async Task RegisterAsync(string name, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var blob = await Server.Client.Snapshots.UploadBlobAsync("default", Convert.ToHexStringLower(SHA256.HashData(bytes)), new MemoryStream(bytes));
        await Server.Client.Models.RegisterAsync("default", new RegisterModelRequest(name, Files: [new SnapshotEntryDto("model.txt", bytes.Length, 420, blob.Sha256)]));
    }

    /// <summary>Starts <c>loom serve</c> for <paramref name="deployment"/> on <paramref name="port"/>, with extra variables when given.</summary>
    protected Process Serve(string deployment, int port, IReadOnlyDictionary<string, string>? environment = null)
    {
        var cli = Cli();
        cli.Environment["LOOM_SERVE_REFRESH_SECONDS"] = "0.2";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) cli.Environment[name] = value;
        return cli.Start("serve", "--deployment", deployment, "--url", Server.Url.ToString(), "--token", Server.AdminToken,
            "--urls", $"http://127.0.0.1:{port}", "--python", "/usr/bin/python3");
    }

    protected CliProcess Cli() => new(_home.Path);

    protected static async Task<HttpResponseMessage> Post(HttpClient http, string body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/score") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>Liveness once the process listens: connection refusals are retried until the bound.</summary>
    protected static async Task<HttpResponseMessage> LivenessAsync(HttpClient http, CancellationToken bound)
    {
        while (true)
        {
            try
            {
                return await http.GetAsync("/", bound);
            }
            catch (HttpRequestException) when (!bound.IsCancellationRequested)
            {
                await Task.Delay(50, bound);
            }
        }
    }

    /// <summary>
    /// Runs <c>loom serve</c> for <paramref name="deployment"/> until it says it serves, makes <paramref name="calls"/> on it, stops it with
    /// SIGTERM and checks that it exited 0; returns what it logged.
    /// </summary>
    protected async Task<string> ServingAsync(string deployment, Func<HttpClient, CancellationToken, Task> calls,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort.Next();
        using var serve = Serve(deployment, port, environment);
        var stderr = serve.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(Bound);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Bound };
        try
        {
            Assert.Equal($"Serving {deployment} on http://127.0.0.1:{port}", await serve.StandardOutput.ReadLineAsync(bound.Token));
            await calls(http, bound.Token);
            await StopAsync(serve, bound.Token);
            var log = await stderr;
            Assert.True(serve.ExitCode == 0, log);
            return log;
        }
        finally
        {
            if (!serve.HasExited) serve.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Sends SIGTERM and waits (bounded) for the process to exit.</summary>
    protected static async Task StopAsync(Process serve, CancellationToken bound)
    {
        Process.Start("kill", ["-TERM", serve.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        await serve.WaitForExitAsync(bound);
    }
}
