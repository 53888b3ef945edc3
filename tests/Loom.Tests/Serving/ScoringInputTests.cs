using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Serving;

/// <summary>
/// A body that is not the input a script declares with <c>@input_schema</c> is the caller's mistake: through the server and a real Python
/// worker it is <c>400 invalid_scoring_input</c> saying what was wrong, unlike an error of <c>run()</c> (502), and the worker goes on.
/// </summary>
public sealed class ScoringInputTests : IAsyncLifetime
{
    private const string Score = """
        import os
        import numpy as np
        from inference_schema.schema_decorators import input_schema
        from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
        from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType


        def init():
            pass


        @input_schema("data", NumpyParameterType(np.array([[5.1, 3.5, 1.4, 0.2]])))
        @input_schema("scale", StandardPythonParameterType(1.0), optional=True)
        def run(data, scale=1.0):
            if scale < 0:
                raise ValueError("scale must not be negative")
            return {"sums": data.sum(axis=1) * scale, "pid": os.getpid()}
        """;

    private ServingTestServer _server = null!;
    private string _key = "";

    public async Task InitializeAsync()
    {
        _server = await ServingTestServer.StartAsync(null, realHost: true);
        var client = _server.Client;
        var model = "weights"u8.ToArray();
        var blob = await client.Snapshots.UploadBlobAsync("default", Convert.ToHexStringLower(SHA256.HashData(model)), new MemoryStream(model));
        await client.Models.RegisterAsync("default", new RegisterModelRequest("iris", Files: [new SnapshotEntryDto("model.txt", model.Length, 420, blob.Sha256)]));
        var script = Encoding.UTF8.GetBytes(Score);
        var source = await client.Snapshots.UploadBlobAsync("default", Convert.ToHexStringLower(SHA256.HashData(script)), new MemoryStream(script));
        var snapshot = await client.Snapshots.CreateAsync("default", [new SnapshotEntryDto("score.py", script.Length, 420, source.Sha256)]);
        await client.Endpoints.CreateAsync("default", new CreateEndpointRequest("iris"));
        await client.Endpoints.CreateDeploymentAsync("default", "iris", new CreateDeploymentRequest("blue", ["iris:1"], SnapshotId: snapshot.Id,
            EntryScript: "score.py", WorkersPerReplica: 1));
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var blue = await client.Endpoints.WaitForDeploymentAsync("default", "iris", "blue", TimeSpan.FromMilliseconds(100), cancellationToken: bound.Token);
        Assert.True(blue.State == DeploymentStates.Succeeded, $"{blue.Error}\n{blue.InitLog}");
        _key = (await client.Endpoints.GetKeysAsync("default", "iris")).PrimaryKey;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<HttpResponseMessage> Call(string body)
    {
        using var http = _server.NewHttp(null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/endpoints/default/iris/score") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private async Task<int> PidOf(string body)
    {
        var answer = await HttpAssert.Status(HttpStatusCode.OK, await Call(body));
        using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("pid").GetInt32();
    }

    private async Task<string> Invalid(string body) =>
        (await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidScoringInput, await Call(body))).Detail!;

    [Fact]
    public async Task Malformed_json_a_wrong_shape_or_a_wrong_type_is_400_and_the_worker_keeps_serving()
    {
        var pid = await PidOf("""{"data": [[1, 2, 3, 4]]}""");

        Assert.Contains("the request body is not JSON", await Invalid("data=1,2,3,4"));
        Assert.Contains("the request body is not JSON", await Invalid("""{"data": [[1, 2, 3, 4]]"""));
        Assert.Contains("not an object of run()'s inputs", await Invalid("[[1, 2, 3, 4]]"));
        Assert.Contains("missing a required argument: 'data'", await Invalid("""{"scale": 2}"""));
        Assert.Equal("The request is not the input the entry script declares: data: expected a list of rows of 4 numbers each, got 1 row(s) of 2",
            await Invalid("""{"data": [[1, 2]]}"""));
        Assert.EndsWith("data: expected a list of rows of 4 numbers each (could not convert string to float: 'four')",
            await Invalid("""{"data": [[1, 2, 3, "four"]]}"""));
        Assert.EndsWith("scale: expected a number, got a string", await Invalid("""{"data": [[1, 2, 3, 4]], "scale": "big"}"""));

        // An error of run() itself is still the script's: 502 scoring_error.
        var raised = await HttpAssert.Problem(HttpStatusCode.BadGateway, ErrorCodes.ScoringError, await Call("""{"data": [[1, 2, 3, 4]], "scale": -1}"""));
        Assert.Equal("ValueError: scale must not be negative", raised.Detail);

        // The same worker answers the next good request.
        Assert.Equal(pid, await PidOf("""{"data": [[1, 1, 1, 1]], "scale": 2}"""));
    }
}
