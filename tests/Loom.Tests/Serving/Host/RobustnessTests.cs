using System.Text.Json;
using Loom.Serving;

namespace Loom.Tests.Serving.Host;

/// <summary>What scripts can throw at the host: non-finite numbers, oversized responses, corrupt frames; and a deleted deployment's state.</summary>
public sealed class RobustnessTests : HostTestBase
{
    private const int Limit = 1024 * 1024;

    protected override DeploymentHostOptions Options()
    {
        var options = base.Options();
        options.MaxResponseBytes = Limit;
        return options;
    }

    private static int Pid(string json) => JsonDocument.Parse(json).RootElement.GetProperty("pid").GetInt32();

    [Fact]
    public async Task NaN_in_the_declared_sample_and_in_responses_is_null()
    {
        const string score = """
            import math
            from inference_schema.schema_decorators import input_schema
            from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType

            def init():
                pass

            @input_schema("data", StandardPythonParameterType({"value": float("nan"), "scale": 2.0}))
            def run(data):
                value = data["value"]
                return {"value": value, "ratio": float("inf") if value is None else value / 2, "nan": math.nan}
            """;
        var proof = await StartProvenAsync(await PlanAsync(score));
        // The sample the decorators declare held NaN: null in strict JSON, and the proof scored it.
        Assert.Equal("""{"value": null, "ratio": null, "nan": null}""", proof.SampleResponse);
        using var swagger = JsonDocument.Parse(Host.Swagger(WorkspaceId, Endpoint, "blue")!);
        Assert.Contains("\"value\":null", swagger.RootElement.GetRawText().Replace(" ", ""));

        var result = await ScoreAsync("""{"data": {"value": 3}}""");
        Assert.Equal("application/json", result.ContentType);
        using var json = JsonDocument.Parse(Ok(result));
        Assert.Equal(1.5, json.RootElement.GetProperty("ratio").GetDouble());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("nan").ValueKind);
    }

    [Fact]
    public async Task A_ready_frame_that_is_not_json_fails_the_proof_with_its_reason_in_the_log()
    {
        // The script replaces the worker's encoder, as a broken worker would: its ready frame carries a bare NaN.
        const string score = """
            import __main__

            def init():
                __main__.to_json = lambda value: '{"schema": null, "sample": NaN}'

            def run(raw_data):
                return raw_data
            """;
        var proof = await StartAsync(await PlanAsync(score));
        Assert.False(proof.Succeeded);
        Assert.Contains("ready frame is not valid JSON", proof.Error);
        Assert.DoesNotContain("stopped before it was ready", proof.Error);
        Assert.Contains(Logs(), l => l.Contains("ready frame is not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_response_over_the_limit_is_a_scoring_error_from_the_worker_or_the_host()
    {
        var score = $$"""
            import gc, os, struct

            def init():
                pass

            def run(raw_data):
                if raw_data == "big":
                    return "x" * {{2 * Limit}}
                if raw_data == "forged":
                    # A frame header promising far more than the limit, written straight into the protocol pipe.
                    channel = next(o for o in gc.get_objects() if type(o).__name__ == "Channel")
                    channel._write(struct.pack(">I", 50_000_000) + bytes((3, 0)))
                    return "ignored"
                return {"pid": os.getpid(), "size": len(raw_data)}
            """;
        await StartProvenAsync(await PlanAsync(score));
        var first = Pid(Ok(await ScoreAsync("x")));

        // The worker refuses a response over the limit and goes on serving.
        var big = await ScoreAsync("big");
        Assert.Equal("scoring_error", big.ErrorCode);
        Assert.StartsWith($"ResponseTooLargeError: the response is {2 * Limit} bytes, more than the deployment's limit of {Limit} bytes", Text(big));
        Assert.Equal(first, Pid(Ok(await ScoreAsync("x"))));

        // A frame over the limit that reaches the host anyway: scoring_error, and the worker is replaced.
        var forged = await ScoreAsync("forged");
        Assert.Equal("scoring_error", forged.ErrorCode);
        Assert.Contains($"more than the deployment's limit of {Limit} bytes", Text(forged));
        await EventuallyAsync(() => Host.Runtime(WorkspaceId, Endpoint, "blue")!.Workers == 1, "the replacement worker");
        Assert.NotEqual(first, Pid(Ok(await ScoreAsync("x"))));
        Assert.Contains(Logs(), l => l.Contains("lost: The worker's response is", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stopping_a_deployment_frees_its_log_and_a_new_one_of_that_name_starts_fresh()
    {
        const string score = """
            def init():
                print("init of the first deployment")

            def run(raw_data):
                return raw_data
            """;
        await StartProvenAsync(await PlanAsync(score));
        Assert.Equal("x", Ok(await ScoreAsync("x")));
        await EventuallyAsync(() => Logs().Any(l => l.Contains("init of the first deployment", StringComparison.Ordinal)), "the first init's output");

        await Host.StopAsync(WorkspaceId, Endpoint, "blue", CancellationToken.None).WaitAsync(Bound);
        Assert.Empty(Logs());
        Assert.Null(Host.Runtime(WorkspaceId, Endpoint, "blue"));
        Assert.Equal("deployment_not_ready", (await ScoreAsync("x")).ErrorCode);
        // Stopping what is gone is harmless.
        await Host.StopAsync(WorkspaceId, Endpoint, "blue", CancellationToken.None).WaitAsync(Bound);

        await StartProvenAsync(await PlanAsync(score.Replace("first", "second", StringComparison.Ordinal)));
        Assert.Equal("y", Ok(await ScoreAsync("y")));
        await EventuallyAsync(() => Logs().Any(l => l.Contains("init of the second deployment", StringComparison.Ordinal)), "the second init's output");
        Assert.DoesNotContain(Logs(), l => l.Contains("first", StringComparison.Ordinal) || l.Contains("stopped", StringComparison.Ordinal));
    }
}
