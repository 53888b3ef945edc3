using System.Security.Cryptography;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Serving;

namespace Loom.Tests.Serving.Host;

/// <summary>No-code ONNX deployments: served in-process by ONNX Runtime with JSON tensors in and out.</summary>
public sealed class OnnxTests : HostTestBase
{
    private async Task<DeploymentPlan> OnnxPlanAsync(string? sample = null)
    {
        var bytes = OnnxModelBuilder.LinearModel();
        var info = await Blobs.PutAsync(new MemoryStream(bytes), null, CancellationToken.None);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), info.Sha256);
        var model = new DeployedModel("linear", 1, [new SnapshotEntryDto("model.onnx", bytes.Length, 0b110_100_100, info.Sha256)]);
        var plan = await PlanAsync("unused = True\n", models: [model], sample: sample);
        return plan with { EntryScript = null };
    }

    [Fact]
    public async Task An_onnx_model_without_a_script_is_proven_and_scores_json_tensors()
    {
        var proof = await StartProvenAsync(await OnnxPlanAsync());
        // The proof scored zeros shaped like the input: Y = 0 * W + B.
        Assert.Equal("""{"Y":[[0.5,-0.5]]}""", proof.SampleResponse);
        Assert.Contains("X Float[n, 3]", proof.InitLog);

        var data = await ScoreAsync("""{"data": [[1, 2, 3], [0, 0, 0]]}""");
        Assert.Equal("application/json", data.ContentType);
        Assert.Equal("""{"Y":[[4.5,4.5],[0.5,-0.5]]}""", Ok(data));
        Assert.Equal("""{"Y":[[2.5,1.5]]}""", Ok(await ScoreAsync("""{"inputs": {"X": [[1, 1, 1]]}}""")));

        var wrongShape = await ScoreAsync("""{"data": [[1, 2]]}""");
        Assert.Equal("scoring_error", wrongShape.ErrorCode);
        Assert.Contains("shape (n, 3)", Text(wrongShape));
        Assert.Equal("scoring_error", (await ScoreAsync("""{"data": [[1, 2, 3], [4]]}""")).ErrorCode);
        Assert.Equal("scoring_error", (await ScoreAsync("not json")).ErrorCode);
        Assert.Equal("scoring_error", (await ScoreAsync("""{"other": 1}""")).ErrorCode);

        using var swagger = JsonDocument.Parse(Host.Swagger(WorkspaceId, Endpoint, "blue")!);
        var x = swagger.RootElement.GetProperty("definitions").GetProperty("ServiceInput").GetProperty("properties")
            .GetProperty("inputs").GetProperty("properties").GetProperty("X");
        Assert.Equal("array", x.GetProperty("type").GetString());
        Assert.Equal("number", x.GetProperty("items").GetProperty("items").GetProperty("type").GetString());
        Assert.Equal(1, Host.Runtime(WorkspaceId, Endpoint, "blue")!.Generation);
    }

    [Fact]
    public async Task A_given_sample_must_score_for_the_onnx_proof()
    {
        var failed = await StartAsync(await OnnxPlanAsync(sample: """{"data": [[1]]}"""));
        Assert.False(failed.Succeeded);
        Assert.Contains("The sample request failed with scoring_error", failed.Error);
        Assert.Null(Host.Runtime(WorkspaceId, Endpoint, "blue"));
    }

    [Fact]
    public async Task Without_a_script_or_an_onnx_model_the_proof_fails()
    {
        var plan = await PlanAsync("unused = True\n");
        var failed = await StartAsync(plan with { EntryScript = null });
        Assert.False(failed.Succeeded);
        Assert.Contains("one ONNX model file", failed.Error);

        var corrupt = await StoreAsync(new Dictionary<string, string> { ["model.onnx"] = "not a model" });
        var bad = await StartAsync(plan with { EntryScript = null, Generation = 2, Models = [new DeployedModel("bad", 1, corrupt)] });
        Assert.False(bad.Succeeded);
        Assert.Contains("ONNX Runtime could not load bad:1 model.onnx", bad.Error);
    }
}
