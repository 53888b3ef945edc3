using Loom.TestKit;
using System.Security.Cryptography;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Serving;
using Loom.Serving;

namespace Loom.Tests.Serving.Host;

/// <summary>No-code ONNX deployments: served in-process by ONNX Runtime with JSON tensors in and out.</summary>
public sealed class OnnxTests : HostTestBase
{
    protected override DeploymentHostOptions Options()
    {
        var options = base.Options();
        options.MaxTensorElements = 300;
        return options;
    }

    private async Task<DeploymentPlan> OnnxPlanAsync(string? sample = null, byte[]? onnx = null)
    {
        var bytes = onnx ?? OnnxModelBuilder.LinearModel();
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

        // What is not the model's input is the caller's mistake: invalid_scoring_input (400), saying what was wrong.
        var wrongShape = await ScoreAsync("""{"data": [[1, 2]]}""");
        Assert.Equal("invalid_scoring_input", wrongShape.ErrorCode);
        Assert.Equal("Input 'X' needs shape (n, 3), not (1, 2).", Text(wrongShape));
        Assert.Equal("invalid_scoring_input", (await ScoreAsync("""{"data": [[1, 2, 3], [4]]}""")).ErrorCode);
        var notJson = await ScoreAsync("not json");
        Assert.Equal("invalid_scoring_input", notJson.ErrorCode);
        Assert.StartsWith("The request body is not JSON (", Text(notJson));
        Assert.EndsWith("""send {"data": nested lists} or {"inputs": {"X": nested lists}}.""", Text(notJson));
        Assert.Equal("invalid_scoring_input", (await ScoreAsync("""{"other": 1}""")).ErrorCode);
        Assert.Equal("invalid_scoring_input", (await ScoreAsync("""[1, 2, 3]""")).ErrorCode);
        Assert.Equal("invalid_scoring_input", (await ScoreAsync("""{"inputs": {"Y": [[1, 2, 3]]}}""")).ErrorCode);
        var wrongType = await ScoreAsync("""{"data": [[1, "two", 3]]}""");
        Assert.Equal(("invalid_scoring_input", "Input 'X' holds a string where a number belongs."), (wrongType.ErrorCode, Text(wrongType)));
        Assert.Equal("invalid_scoring_input", (await ScoreAsync("""{"data": [[1, true, 3]]}""")).ErrorCode);
        Assert.Equal("""{"Y":[[2.5,1.5]]}""", Ok(await ScoreAsync("""{"data": [[1, 1, 1]]}""")));

        using var swagger = JsonDocument.Parse(Host.Swagger(WorkspaceId, Endpoint, "blue")!);
        var x = swagger.RootElement.GetProperty("definitions").GetProperty("ServiceInput").GetProperty("properties")
            .GetProperty("inputs").GetProperty("properties").GetProperty("X");
        Assert.Equal("array", x.GetProperty("type").GetString());
        Assert.Equal("number", x.GetProperty("items").GetProperty("items").GetProperty("type").GetString());
        Assert.Equal(1, Host.Runtime(WorkspaceId, Endpoint, "blue")!.Generation);
    }

    [Fact]
    public async Task Tensors_are_checked_and_counted_before_they_are_allocated()
    {
        await StartProvenAsync(await OnnxPlanAsync());
        static string Rows(int count) => $$"""{"data": [{{string.Join(", ", Enumerable.Repeat("[1, 2, 3]", count))}}]}""";
        Assert.Equal("invalid_scoring_input", (await ScoreAsync("""{"data": [[1, 2, 3], 1]}""")).ErrorCode);
        Assert.Equal("invalid_scoring_input", (await ScoreAsync("""{"data": [[1, 2, 3], [1, [2], 3]]}""")).ErrorCode);
        Assert.Contains("[4.5,4.5]", Ok(await ScoreAsync(Rows(100))));
        // 101 x 3 = 303 values: more than the host's MaxTensorElements (300 here).
        var tooMany = await ScoreAsync(Rows(101));
        Assert.Equal("invalid_scoring_input", tooMany.ErrorCode);
        Assert.Contains("303 elements, more than the 300", Text(tooMany));
        Assert.Equal("""{"Y":[[2.5,1.5]]}""", Ok(await ScoreAsync("""{"data": [[1, 1, 1]]}""")));
    }

    [Fact]
    public async Task A_ragged_tensor_whose_first_row_promises_billions_of_values_is_invalid_input()
    {
        await StartProvenAsync(await OnnxPlanAsync(onnx: OnnxModelBuilder.LogModel()));
        // Probed by its first row, this is 100,000 x 100,000 values (40 GB of floats) in a body of 500 KB.
        var wide = string.Join(",", Enumerable.Repeat("1", 100_000));
        var body = $$"""{"data": [[{{wide}}]{{string.Concat(Enumerable.Repeat(", []", 99_999))}}]}""";
        var ragged = await ScoreAsync(body);
        Assert.Equal("invalid_scoring_input", ragged.ErrorCode);
        Assert.Contains("not rectangular", Text(ragged));
        // One such row alone is rectangular but over MaxTensorElements.
        var wideRow = await ScoreAsync($$"""{"data": [[{{wide}}]]}""");
        Assert.Equal("invalid_scoring_input", wideRow.ErrorCode);
        Assert.Contains("MaxTensorElements", Text(wideRow));
        Assert.Equal("""{"Y":[[0]]}""", Ok(await ScoreAsync("""{"data": [[1]]}""")));
    }

    [Fact]
    public async Task Non_finite_outputs_are_null_and_a_zero_sample_giving_infinity_proves()
    {
        // The proof's zero sample gives Log(0) = -Infinity, which JSON cannot carry.
        var proof = await StartProvenAsync(await OnnxPlanAsync(onnx: OnnxModelBuilder.LogModel()));
        Assert.Equal("""{"Y":[[null]]}""", proof.SampleResponse);
        var result = await ScoreAsync("""{"data": [[1, 0, -1]]}""");
        Assert.Equal("""{"Y":[[0,null,null]]}""", Ok(result));
    }

    [Fact]
    public async Task A_given_sample_must_score_for_the_onnx_proof()
    {
        var failed = await StartAsync(await OnnxPlanAsync(sample: """{"data": [[1]]}"""));
        Assert.False(failed.Succeeded);
        Assert.Contains("The sample request failed with invalid_scoring_input", failed.Error);
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
