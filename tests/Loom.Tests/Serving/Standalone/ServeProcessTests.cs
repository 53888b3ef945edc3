using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Serving.Standalone;

/// <summary>
/// <c>loom serve</c> as its own process against a real server: it reads a deployment of a dependency-free v1 script through the API,
/// answers liveness with 503 until its own proof is done and 200 after, scores with the endpoint's key and refuses callers without
/// one with the same problems as the server's route, and stops on SIGTERM; a script whose init() fails exits 1 with its init log.
/// </summary>
public sealed class ServeProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private readonly TempDirectory _home = new("loom-serve-home");
    private readonly TempDirectory _gates = new("loom-serve-gates");
    private LoomTestServer _server = null!;

    public async Task InitializeAsync() => _server = await LoomTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _gates.Dispose();
        _home.Dispose();
    }

    /// <summary>A v1 script whose init() waits for <paramref name="gate"/> to exist, so a test decides when the proof may end.</summary>
    private static string Script(string gate) => $$"""
        import json
        import os
        import time

        model = None


        def init():
            global model
            while not os.path.exists({{JsonQuote(gate)}}):
                time.sleep(0.02)
            with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.txt"), encoding="utf-8") as handle:
                model = handle.read()
            print("init: loaded", model)


        def run(raw_data):
            data = json.loads(raw_data)
            if data.get("fail"):
                raise ValueError("asked to fail")
            return {"model": model, "echo": data}
        """;

    private static string JsonQuote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private async Task<string> UploadAsync(string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var blob = await _server.Client.Snapshots.UploadBlobAsync("default", Convert.ToHexStringLower(SHA256.HashData(bytes)), new MemoryStream(bytes));
        return (await _server.Client.Snapshots.CreateAsync("default", [new SnapshotEntryDto(path, bytes.Length, 420, blob.Sha256)])).Id;
    }

    /// <summary>Registers the model, creates the endpoint and a deployment of <paramref name="script"/>, and waits for the server's own proof.</summary>
    private async Task<DeploymentDto> DeployAsync(string endpoint, string script, string authMode = EndpointAuthModes.Key)
    {
        var client = _server.Client;
        await RegisterAsync(endpoint, "weights-1");
        await client.Endpoints.CreateAsync("default", new CreateEndpointRequest(endpoint, authMode));
        await client.Endpoints.CreateDeploymentAsync("default", endpoint, new CreateDeploymentRequest("blue", [$"{endpoint}:1"],
            SnapshotId: await UploadAsync("score.py", script), EntryScript: "score.py", WorkersPerReplica: 1));
        using var bound = new CancellationTokenSource(Bound);
        return await client.Endpoints.WaitForDeploymentAsync("default", endpoint, "blue", TimeSpan.FromMilliseconds(100), cancellationToken: bound.Token);
    }

    /// <summary>Registers the next version of model <paramref name="name"/>: one file, <c>model.txt</c>, holding <paramref name="text"/>.</summary>
    private async Task RegisterAsync(string name, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var blob = await _server.Client.Snapshots.UploadBlobAsync("default", Convert.ToHexStringLower(SHA256.HashData(bytes)), new MemoryStream(bytes));
        await _server.Client.Models.RegisterAsync("default", new RegisterModelRequest(name, Files: [new SnapshotEntryDto("model.txt", bytes.Length, 420, blob.Sha256)]));
    }

    private Process Serve(string deployment, int port)
    {
        var cli = new CliProcess(_home.Path);
        cli.Environment["LOOM_SERVE_REFRESH_SECONDS"] = "0.2";
        return cli.Start("serve", "--deployment", deployment, "--url", _server.Url.ToString(), "--token", _server.AdminToken,
            "--urls", $"http://127.0.0.1:{port}", "--python", "/usr/bin/python3");
    }

    private static async Task<HttpResponseMessage> Post(HttpClient http, string body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/score") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>Liveness once the process listens: connection refusals are retried until the bound.</summary>
    private static async Task<HttpResponseMessage> LivenessAsync(HttpClient http, CancellationToken bound)
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

    [Fact]
    public async Task Loom_serve_proves_the_deployment_scores_with_the_key_refuses_without_it_and_stops_on_sigterm()
    {
        var gate = Path.Combine(_gates.Path, "init-may-finish");
        await File.WriteAllTextAsync(gate, "");
        var deployed = await DeployAsync("iris", Script(gate));
        Assert.True(deployed.State == DeploymentStates.Succeeded, $"{deployed.Error}\n{deployed.InitLog}");
        var key = (await _server.Client.Endpoints.GetKeysAsync("default", "iris")).PrimaryKey;
        // The standalone host's workers wait in init() until the gate is back: liveness must say 503 meanwhile.
        File.Delete(gate);

        var port = FreePort.Next();
        using var serve = Serve("iris/blue", port);
        var stderr = serve.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(Bound);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Bound };
        try
        {
            var early = await LivenessAsync(http, bound.Token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
            Assert.Contains("\"Unhealthy\"", await early.Content.ReadAsStringAsync(bound.Token));
            await HttpAssert.Problem(HttpStatusCode.ServiceUnavailable, ErrorCodes.DeploymentNotReady, await Post(http, "{\"data\": 1}", key));

            await File.WriteAllTextAsync(gate, "", bound.Token);
            var line = await serve.StandardOutput.ReadLineAsync(bound.Token);
            Assert.Equal($"Serving iris/blue on http://127.0.0.1:{port}", line);
            var live = await HttpAssert.Status(HttpStatusCode.OK, await http.GetAsync("/", bound.Token));
            Assert.Contains("\"Healthy\"", await live.Content.ReadAsStringAsync(bound.Token));

            var answer = await HttpAssert.Status(HttpStatusCode.OK, await Post(http, "{\"data\": [[5.1, 3.5]]}", key));
            Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
            Assert.Equal("blue", answer.Headers.GetValues(ScoringHeaders.Deployment).Single());
            var text = await answer.Content.ReadAsStringAsync(bound.Token);
            Assert.Contains("\"model\": \"weights-1\"", text);
            Assert.Contains("[[5.1, 3.5]]", text);
            var secondary = (await _server.Client.Endpoints.GetKeysAsync("default", "iris")).SecondaryKey;
            await HttpAssert.Status(HttpStatusCode.OK, await Post(http, "{\"data\": 2}", secondary));

            var missing = await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Post(http, "{\"data\": 1}", null));
            Assert.Contains("loom endpoint keys", missing.Detail);
            await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Post(http, "{\"data\": 1}", key + "x"));
            await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Post(http, "{\"data\": 1}", _server.AdminToken));
            var raised = await HttpAssert.Problem(HttpStatusCode.BadGateway, ErrorCodes.ScoringError, await Post(http, "{\"fail\": true}", key));
            Assert.Contains("ValueError: asked to fail", raised.Detail);
            await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post(http, "", key));
            // The worker that raised keeps serving.
            await HttpAssert.Status(HttpStatusCode.OK, await Post(http, "{\"data\": 3}", key));
            using (var schema = new HttpRequestMessage(HttpMethod.Get, "/swagger.json"))
            {
                await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await http.SendAsync(schema, bound.Token));
            }

            Process.Start("kill", ["-TERM", serve.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            await serve.WaitForExitAsync(bound.Token);
            Assert.True(serve.ExitCode == 0, await stderr);
        }
        finally
        {
            if (!serve.HasExited) serve.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Loom_serve_follows_an_update_proven_on_the_server_without_a_restart()
    {
        var gate = Path.Combine(_gates.Path, "open");
        await File.WriteAllTextAsync(gate, "");
        var deployed = await DeployAsync("iris", Script(gate));
        Assert.True(deployed.State == DeploymentStates.Succeeded, $"{deployed.Error}\n{deployed.InitLog}");
        var key = (await _server.Client.Endpoints.GetKeysAsync("default", "iris")).PrimaryKey;

        var port = FreePort.Next();
        using var serve = Serve("iris/blue", port);
        var stderr = serve.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(Bound);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Bound };
        try
        {
            Assert.Equal($"Serving iris/blue on http://127.0.0.1:{port}", await serve.StandardOutput.ReadLineAsync(bound.Token));
            Assert.Contains("weights-1", await (await Post(http, "{\"data\": 1}", key)).Content.ReadAsStringAsync(bound.Token));

            await RegisterAsync("iris", "weights-2");
            await _server.Client.Endpoints.UpdateDeploymentAsync("default", "iris", "blue", new UpdateDeploymentRequest(Models: ["iris:2"]));
            var updated = await _server.Client.Endpoints.WaitForDeploymentAsync("default", "iris", "blue", TimeSpan.FromMilliseconds(100),
                cancellationToken: bound.Token);
            Assert.Equal((DeploymentStates.Succeeded, 2), (updated.State, updated.Generation));
            // Every answer meanwhile comes from one generation or the other, never an error.
            string answer;
            do
            {
                var response = await HttpAssert.Status(HttpStatusCode.OK, await Post(http, "{\"data\": 1}", key));
                answer = await response.Content.ReadAsStringAsync(bound.Token);
                Assert.True(answer.Contains("weights-1", StringComparison.Ordinal) || answer.Contains("weights-2", StringComparison.Ordinal), answer);
            }
            while (!answer.Contains("weights-2", StringComparison.Ordinal) && !bound.IsCancellationRequested);
            Assert.Contains("weights-2", answer);

            Process.Start("kill", ["-TERM", serve.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            await serve.WaitForExitAsync(bound.Token);
            var log = await stderr;
            Assert.True(serve.ExitCode == 0, log);
            Assert.Contains("generation 2 of iris/blue serves", log);
        }
        finally
        {
            if (!serve.HasExited) serve.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Loom_serve_of_a_script_whose_init_fails_exits_1_with_the_init_log()
    {
        var deployed = await DeployAsync("broken", "def init():\n    import no_such_module\n\ndef run(raw_data):\n    return raw_data\n");
        Assert.Equal(DeploymentStates.Failed, deployed.State);

        using var serve = Serve("broken/blue", FreePort.Next());
        using var bound = new CancellationTokenSource(Bound);
        try
        {
            var stdout = serve.StandardOutput.ReadToEndAsync(bound.Token);
            var stderr = serve.StandardError.ReadToEndAsync(bound.Token);
            await serve.WaitForExitAsync(bound.Token);
            Assert.Equal(1, serve.ExitCode);
            Assert.DoesNotContain("Serving", await stdout);
            var errors = await stderr;
            Assert.Contains("failed its proof", errors);
            Assert.Contains("no_such_module", errors);
        }
        finally
        {
            if (!serve.HasExited) serve.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Loom_serve_of_a_token_endpoint_takes_a_Loom_token_with_a_role_in_the_workspace_as_the_server_says()
    {
        var gate = Path.Combine(_gates.Path, "open");
        await File.WriteAllTextAsync(gate, "");
        var deployed = await DeployAsync("tokened", Script(gate), EndpointAuthModes.Token);
        Assert.True(deployed.State == DeploymentStates.Succeeded, $"{deployed.Error}\n{deployed.InitLog}");
        var reader = (await _server.Client.Tokens.CreateAsync(new CreateTokenRequest("reader", "default", Role.Reader))).Token;
        await _server.Client.Workspaces.CreateAsync(new CreateWorkspaceRequest("elsewhere"));
        var stranger = (await _server.Client.Tokens.CreateAsync(new CreateTokenRequest("stranger", "elsewhere", Role.Owner))).Token;

        var port = FreePort.Next();
        using var serve = Serve("tokened/blue", port);
        var stderr = serve.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(Bound);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Bound };
        try
        {
            Assert.Equal($"Serving tokened/blue on http://127.0.0.1:{port}", await serve.StandardOutput.ReadLineAsync(bound.Token));
            Assert.Contains("weights-1", await (await HttpAssert.Status(HttpStatusCode.OK, await Post(http, "{\"data\": 1}", reader))).Content.ReadAsStringAsync(bound.Token));
            await HttpAssert.Status(HttpStatusCode.OK, await Post(http, "{\"data\": 1}", reader));
            await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Post(http, "{\"data\": 1}", null));
            await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Post(http, "{\"data\": 1}", "not-a-token"));
            var refused = await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Post(http, "{\"data\": 1}", stranger));
            Assert.Contains("no role in workspace 'default'", refused.Detail);

            Process.Start("kill", ["-TERM", serve.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            await serve.WaitForExitAsync(bound.Token);
            Assert.True(serve.ExitCode == 0, await stderr);
        }
        finally
        {
            if (!serve.HasExited) serve.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Loom_serve_of_a_missing_deployment_exits_1_naming_it()
    {
        var result = await new CliProcess(_home.Path).RunAsync("serve", "--deployment", "nowhere/blue", "--url", _server.Url.ToString(),
            "--token", _server.AdminToken, "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--python", "/usr/bin/python3");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("nowhere", result.Stderr);
        Assert.Equal(2, (await new CliProcess(_home.Path).RunAsync("serve", "--deployment", "no-slash")).ExitCode);
    }
}
