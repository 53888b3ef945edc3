using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Serving;

/// <summary>
/// The no-code ONNX path with a model that ONNX's own tools made (Debian's <c>python3-onnx</c>, not Loom's hand-written builder):
/// registered, deployed without an entry script and invoked through the CLI against a server with the real host, its answers checked
/// against the same arithmetic done here.
/// </summary>
public sealed class OnnxNoCodeTests : ServingCliTestBase
{
    private const string Python = "/usr/bin/python3";

    // y = x·W + b with a dynamic batch dimension, checked by onnx.checker before it is saved.
    private const string Builder = """
        import json
        import sys

        import numpy as np
        import onnx
        from onnx import TensorProto, helper, numpy_helper

        path, weights, bias = sys.argv[1], np.array(json.loads(sys.argv[2]), dtype=np.float32), np.array(json.loads(sys.argv[3]), dtype=np.float32)
        graph = helper.make_graph(
            [helper.make_node("MatMul", ["x", "W"], ["xW"]), helper.make_node("Add", ["xW", "b"], ["y"])],
            "affine",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", weights.shape[0]])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", weights.shape[1]])],
            initializer=[numpy_helper.from_array(weights, "W"), numpy_helper.from_array(bias, "b")])
        model = helper.make_model(graph, producer_name="loom-tests", opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, path)
        """;

    private static readonly float[,] W = { { 0.5f, -1.25f, 2f }, { 1.5f, 0.25f, -0.75f }, { -2f, 3f, 0.125f }, { 0.1f, 0.2f, 0.3f } };
    private static readonly float[] B = [0.5f, -0.5f, 1f];

    protected override bool RealHost => true;

    /// <summary>Writes the model with Debian's onnx package; W and b go to it as JSON, the same numbers the test computes with.</summary>
    private async Task<string> BuildModelAsync()
    {
        var script = FilePath("build.py");
        await File.WriteAllTextAsync(script, Builder);
        var model = FilePath("affine.onnx");
        var rows = Enumerable.Range(0, W.GetLength(0)).Select(i => Enumerable.Range(0, W.GetLength(1)).Select(j => W[i, j]).ToArray()).ToArray();
        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { script, model, JsonSerializer.Serialize(rows), JsonSerializer.Serialize(B) }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(bound.Token);
        await process.StandardOutput.ReadToEndAsync(bound.Token);
        await process.WaitForExitAsync(bound.Token);
        Assert.True(process.ExitCode == 0, $"{Python} could not build the model (is python3-onnx installed?): {await stderr}");
        return model;
    }

    /// <summary>x·W + b in single precision, row by row.</summary>
    private static float[][] Expected(float[][] x) => x.Select(row => Enumerable.Range(0, W.GetLength(1)).Select(j =>
    {
        var sum = 0f;
        for (var i = 0; i < row.Length; i++) sum += row[i] * W[i, j];
        return sum + B[j];
    }).ToArray()).ToArray();

    [Fact]
    public async Task A_model_made_by_onnx_helper_is_registered_deployed_without_a_script_and_answers_x_times_w_plus_b()
    {
        var model = await BuildModelAsync();
        await Ok("model", "register", "--name", "affine", "--path", model, "--framework", "Onnx");
        await Ok("endpoint", "create", "affine", "--auth", "key");
        var deployed = await Ok("deployment", "create", "--endpoint", "affine", "--name", "blue", "--model", "affine:1", "-o", "json");
        using (var deployment = JsonDocument.Parse(deployed.Stdout))
        {
            Assert.Equal(DeploymentStates.Succeeded, deployment.RootElement.GetProperty("state").GetString());
            Assert.Equal(JsonValueKind.Null, deployment.RootElement.GetProperty("entryScript").ValueKind);
        }

        float[][] x = [[1f, 2f, 3f, 4f], [-0.5f, 0f, 0.25f, 8f], [0f, 0f, 0f, 0f]];
        var invoked = await Ok("endpoint", "invoke", "affine", "--data", JsonSerializer.Serialize(new { data = x }), "-o", "json");
        using var answer = JsonDocument.Parse(invoked.Stdout);
        Assert.Equal("blue", answer.RootElement.GetProperty("deployment").GetString());
        var y = answer.RootElement.GetProperty("response").GetProperty("y");
        var expected = Expected(x);
        Assert.Equal(expected.Length, y.GetArrayLength());
        for (var r = 0; r < expected.Length; r++)
        {
            Assert.Equal(expected[r].Length, y[r].GetArrayLength());
            for (var c = 0; c < expected[r].Length; c++)
                Assert.True(Math.Abs(expected[r][c] - y[r][c].GetSingle()) <= 1e-5f * Math.Max(1f, Math.Abs(expected[r][c])),
                    string.Create(CultureInfo.InvariantCulture, $"y[{r}][{c}] = {y[r][c].GetSingle()}, expected {expected[r][c]}"));
        }

        // The dynamic batch takes one row as well as many; a row of the wrong width is the caller's mistake.
        var one = await Ok("endpoint", "invoke", "affine", "--data", """{"inputs": {"x": [[1, 1, 1, 1]]}}""", "-o", "json");
        using (var single = JsonDocument.Parse(one.Stdout))
            Assert.Equal(Expected([[1f, 1f, 1f, 1f]])[0][2], single.RootElement.GetProperty("response").GetProperty("y")[0][2].GetSingle(), 5);
        var key = (await Server.Client.Endpoints.GetKeysAsync("default", "affine")).PrimaryKey;
        using var http = Server.NewHttp(null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/endpoints/default/affine/score")
        {
            Content = new StringContent("""{"data": [[1, 2, 3]]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var problem = await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidScoringInput, await http.SendAsync(request));
        Assert.Equal("Input 'x' needs shape (n, 4), not (1, 3).", problem.Detail);
    }
}
