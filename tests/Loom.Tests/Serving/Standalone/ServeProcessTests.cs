using System.Net;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Serving.Standalone;

/// <summary>
/// <c>loom serve</c> as its own process against a real server: it reads a deployment of a dependency-free v1 script through the API,
/// answers liveness with 503 until its own proof is done and 200 after, scores with the endpoint's key and refuses callers without
/// one with the same problems as the server's route, and stops on SIGTERM; a script whose init() fails exits 1 with its init log.
/// </summary>
public sealed class ServeProcessTests : ServeTestBase
{
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

    [Fact]
    public async Task Loom_serve_proves_the_deployment_scores_with_the_key_refuses_without_it_and_stops_on_sigterm()
    {
        var gate = Path.Combine(Gates, "init-may-finish");
        await File.WriteAllTextAsync(gate, "");
        var deployed = await DeployAsync("iris", Script(gate));
        Assert.True(deployed.State == DeploymentStates.Succeeded, $"{deployed.Error}\n{deployed.InitLog}");
        var key = (await Server.Client.Endpoints.GetKeysAsync("default", "iris")).PrimaryKey;
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
            var secondary = (await Server.Client.Endpoints.GetKeysAsync("default", "iris")).SecondaryKey;
            await HttpAssert.Status(HttpStatusCode.OK, await Post(http, "{\"data\": 2}", secondary));

            var missing = await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Post(http, "{\"data\": 1}", null));
            Assert.Contains("loom endpoint keys", missing.Detail);
            await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Post(http, "{\"data\": 1}", key + "x"));
            await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Post(http, "{\"data\": 1}", Server.AdminToken));
            var raised = await HttpAssert.Problem(HttpStatusCode.BadGateway, ErrorCodes.ScoringError, await Post(http, "{\"fail\": true}", key));
            Assert.Contains("ValueError: asked to fail", raised.Detail);
            await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post(http, "", key));
            // The worker that raised keeps serving.
            await HttpAssert.Status(HttpStatusCode.OK, await Post(http, "{\"data\": 3}", key));
            using (var schema = new HttpRequestMessage(HttpMethod.Get, "/swagger.json"))
            {
                await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await http.SendAsync(schema, bound.Token));
            }

            await StopAsync(serve, bound.Token);
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
        var gate = Path.Combine(Gates, "open");
        await File.WriteAllTextAsync(gate, "");
        var deployed = await DeployAsync("iris", Script(gate));
        Assert.True(deployed.State == DeploymentStates.Succeeded, $"{deployed.Error}\n{deployed.InitLog}");
        var key = (await Server.Client.Endpoints.GetKeysAsync("default", "iris")).PrimaryKey;

        var log = await ServingAsync("iris/blue", async (http, bound) =>
        {
            Assert.Contains("weights-1", await (await Post(http, "{\"data\": 1}", key)).Content.ReadAsStringAsync(bound));

            await RegisterAsync("iris", "weights-2");
            await Server.Client.Endpoints.UpdateDeploymentAsync("default", "iris", "blue", new UpdateDeploymentRequest(Models: ["iris:2"]));
            var updated = await Server.Client.Endpoints.WaitForDeploymentAsync("default", "iris", "blue", TimeSpan.FromMilliseconds(100),
                cancellationToken: bound);
            Assert.Equal((DeploymentStates.Succeeded, 2), (updated.State, updated.Generation));
            // Every answer meanwhile comes from one generation or the other, never an error.
            string answer;
            do
            {
                var response = await HttpAssert.Status(HttpStatusCode.OK, await Post(http, "{\"data\": 1}", key));
                answer = await response.Content.ReadAsStringAsync(bound);
                Assert.True(answer.Contains("weights-1", StringComparison.Ordinal) || answer.Contains("weights-2", StringComparison.Ordinal), answer);
            }
            while (!answer.Contains("weights-2", StringComparison.Ordinal) && !bound.IsCancellationRequested);
            Assert.Contains("weights-2", answer);
        });
        Assert.Contains("generation 2 of iris/blue serves", log);
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
        var gate = Path.Combine(Gates, "open");
        await File.WriteAllTextAsync(gate, "");
        var deployed = await DeployAsync("tokened", Script(gate), EndpointAuthModes.Token);
        Assert.True(deployed.State == DeploymentStates.Succeeded, $"{deployed.Error}\n{deployed.InitLog}");
        var reader = (await Server.Client.Tokens.CreateAsync(new CreateTokenRequest("reader", "default", Role.Reader))).Token;
        await Server.Client.Workspaces.CreateAsync(new CreateWorkspaceRequest("elsewhere"));
        var stranger = (await Server.Client.Tokens.CreateAsync(new CreateTokenRequest("stranger", "elsewhere", Role.Owner))).Token;

        await ServingAsync("tokened/blue", async (http, bound) =>
        {
            Assert.Contains("weights-1", await (await HttpAssert.Status(HttpStatusCode.OK, await Post(http, "{\"data\": 1}", reader))).Content.ReadAsStringAsync(bound));
            await HttpAssert.Status(HttpStatusCode.OK, await Post(http, "{\"data\": 1}", reader));
            await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Post(http, "{\"data\": 1}", null));
            await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Post(http, "{\"data\": 1}", "not-a-token"));
            var refused = await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Post(http, "{\"data\": 1}", stranger));
            Assert.Contains("no role in workspace 'default'", refused.Detail);
        });
    }

    [Fact]
    public async Task Loom_serve_of_a_missing_deployment_exits_1_naming_it()
    {
        var result = await Cli().RunAsync("serve", "--deployment", "nowhere/blue", "--url", Server.Url.ToString(),
            "--token", Server.AdminToken, "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--python", "/usr/bin/python3");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("nowhere", result.Stderr);
        Assert.Equal(2, (await Cli().RunAsync("serve", "--deployment", "no-slash")).ExitCode);
    }
}
