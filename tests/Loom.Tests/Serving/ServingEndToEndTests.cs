using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Serving;

/// <summary>
/// The control plane and the scoring routes over the real deployment host: a v1 scoring script in Python workers, proven, scored,
/// updated with a broken generation that fails while the first keeps serving, and deleted.
/// </summary>
public sealed class ServingEndToEndTests : IAsyncLifetime
{
    private const string Endpoints = "/api/v1/workspaces/default/endpoints";
    private const string Score = """
        import json
        import os

        model = None


        def init():
            global model
            with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.txt"), encoding="utf-8") as handle:
                model = handle.read()
            print("init: loaded", model)


        def run(raw_data):
            data = json.loads(raw_data)
            if data.get("fail"):
                raise ValueError("asked to fail")
            return {"model": model, "echo": data}
        """;

    private ServingTestServer _server = null!;

    public async Task InitializeAsync() => _server = await ServingTestServer.StartAsync(null, realHost: true);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> Snapshot(string script)
    {
        var entries = new List<SnapshotEntryDto>();
        foreach (var (path, text) in new[] { ("score.py", script) })
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var blob = await _server.Client.Snapshots.UploadBlobAsync("default", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)),
                new MemoryStream(bytes));
            entries.Add(new SnapshotEntryDto(path, bytes.Length, 420, blob.Sha256));
        }
        return (await _server.Client.Snapshots.CreateAsync("default", entries)).Id;
    }

    private async Task<HttpResponseMessage> Call(string body, string key)
    {
        using var http = _server.NewHttp(null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/endpoints/default/iris/score") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task A_v1_script_is_deployed_scored_updated_and_deleted_through_the_server()
    {
        var client = _server.Client;
        var bytes = "weights-1"u8.ToArray();
        var blob = await client.Snapshots.UploadBlobAsync("default", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), new MemoryStream(bytes));
        await client.Models.RegisterAsync("default", new RegisterModelRequest("iris", Files: [new SnapshotEntryDto("model.txt", bytes.Length, 420, blob.Sha256)]));
        await client.Endpoints.CreateAsync("default", new CreateEndpointRequest("iris"));
        var snapshot = await Snapshot(Score);
        await client.Endpoints.CreateDeploymentAsync("default", "iris", new CreateDeploymentRequest("blue", ["iris:1"], SnapshotId: snapshot,
            EntryScript: "score.py", WorkersPerReplica: 1, SampleRequest: "{\"data\": [1]}"));
        var blue = await client.Endpoints.WaitForDeploymentAsync("default", "iris", "blue", TimeSpan.FromMilliseconds(100));
        Assert.True(blue.State == DeploymentStates.Succeeded, $"{blue.Error}\n{blue.InitLog}");
        Assert.Equal(1, blue.Replicas);

        var key = (await client.Endpoints.GetKeysAsync("default", "iris")).PrimaryKey;
        var answer = await Call("{\"data\": [[5.1, 3.5]]}", key);
        await HttpAssert.Status(HttpStatusCode.OK, answer);
        Assert.Contains("\"model\": \"weights-1\"", await answer.Content.ReadAsStringAsync());
        var raised = await HttpAssert.Problem(HttpStatusCode.BadGateway, ErrorCodes.ScoringError, await Call("{\"fail\": true}", key));
        Assert.Contains("ValueError: asked to fail", raised.Detail);
        await HttpAssert.Problem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, await Call("{}", key + "x"));
        var invoked = await client.Endpoints.InvokeAsync("default", "iris", "{\"data\": 2}"u8.ToArray());
        Assert.Equal("blue", invoked.Deployment);
        Assert.Contains(await client.Endpoints.GetDeploymentLogsAsync("default", "iris", "blue"), l => l.Contains("init: loaded weights-1", StringComparison.Ordinal));

        // A generation whose init() fails is Failed with its traceback, and generation 1 keeps answering.
        var broken = await Snapshot("def init():\n    import no_such_module\n\ndef run(raw_data):\n    return raw_data\n");
        await client.Endpoints.UpdateDeploymentAsync("default", "iris", "blue", new UpdateDeploymentRequest(SnapshotId: broken));
        var failed = await client.Endpoints.WaitForDeploymentAsync("default", "iris", "blue", TimeSpan.FromMilliseconds(100));
        Assert.Equal(DeploymentStates.Failed, failed.State);
        Assert.Contains("no_such_module", failed.InitLog);
        Assert.False(string.IsNullOrEmpty(failed.Error));
        await HttpAssert.Status(HttpStatusCode.OK, await Call("{\"data\": 3}", key));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        EndpointMetricsDto metrics;
        while ((metrics = await client.Endpoints.GetMetricsAsync("default", "iris", 5)).Requests < 5 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal((5L, 2L), (metrics.Requests, metrics.Errors));

        await client.Endpoints.DeleteAsync("default", "iris");
        await client.Models.DeleteAsync("default", "iris", 1);
    }
}
