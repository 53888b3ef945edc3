using System.Text.Json;

namespace Loom.Tests.Serving.Host;

/// <summary>v1 scoring scripts in real Python workers: init/run, errors, crashes, overload, timeouts, prints.</summary>
public sealed class ScoringTests : HostTestBase
{
    private const string Score = GateHelper + """
        import json, os, signal, sys

        model = None

        def init():
            global model
            with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.txt")) as handle:
                model = handle.read()
            print("init loaded", model)

        def run(raw_data):
            if raw_data == "boom":
                raise ValueError("boom is not a valid input")
            if raw_data == "die":
                os.kill(os.getpid(), signal.SIGKILL)
            if raw_data == "hang":
                wait_for_gate("never")
            if raw_data.startswith("gate:"):
                wait_for_gate(raw_data[5:])
                return "gated"
            if raw_data == "bytes":
                return b"\x00\x01raw"
            if raw_data == "text":
                return "plain text"
            print("scoring", raw_data)
            data = json.loads(raw_data)
            return {"model": model, "sum": sum(data["data"]), "pid": os.getpid(), "cwd": os.getcwd()}
        """;

    private static int Pid(string json) => JsonDocument.Parse(json).RootElement.GetProperty("pid").GetInt32();

    [Fact]
    public async Task A_v1_script_is_initialized_once_and_scores_json()
    {
        var plan = await PlanAsync(Score, workers: 2, variables: GateVariables());
        var proof = await StartProvenAsync(plan);
        Assert.Null(proof.SampleResponse);

        var result = await ScoreAsync("""{"data": [1, 2, 3.5]}""");
        using var json = JsonDocument.Parse(Ok(result));
        Assert.Equal("application/json", result.ContentType);
        Assert.Equal("weights", json.RootElement.GetProperty("model").GetString());
        Assert.Equal(6.5, json.RootElement.GetProperty("sum").GetDouble());
        Assert.EndsWith("/src", json.RootElement.GetProperty("cwd").GetString());

        var bytes = await ScoreAsync("bytes");
        Assert.Equal("application/octet-stream", bytes.ContentType);
        Assert.Equal(new byte[] { 0, 1, (byte)'r', (byte)'a', (byte)'w' }, bytes.Body.ToArray());
        var text = await ScoreAsync("text");
        Assert.Equal("text/plain; charset=utf-8", text.ContentType);
        Assert.Equal("plain text", Ok(text));

        var runtime = Host.Runtime(WorkspaceId, Endpoint, "blue");
        Assert.NotNull(runtime);
        Assert.Equal(1, runtime.Generation);
        Assert.Equal(1, runtime.Replicas);
        Assert.Equal(2, runtime.Workers);
        Assert.Null(Host.Runtime(WorkspaceId, Endpoint, "green"));
        Assert.Equal("deployment_not_ready", (await ScoreAsync("{}", "green")).ErrorCode);
    }

    [Fact]
    public async Task Run_raising_gives_scoring_error_with_the_message_and_the_worker_keeps_serving()
    {
        await StartProvenAsync(await PlanAsync(Score, variables: GateVariables()));
        var before = Pid(Ok(await ScoreAsync("""{"data": [1]}""")));

        var failed = await ScoreAsync("boom");
        Assert.Equal("scoring_error", failed.ErrorCode);
        Assert.Equal("ValueError: boom is not a valid input", Text(failed));
        await EventuallyAsync(() => Logs().Any(l => l.Contains("Traceback (most recent call last):")), "the traceback in the log");

        var after = Pid(Ok(await ScoreAsync("""{"data": [2]}""")));
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_worker_killed_mid_request_answers_worker_crashed_and_is_replaced()
    {
        await StartProvenAsync(await PlanAsync(Score, variables: GateVariables()));
        var before = Pid(Ok(await ScoreAsync("""{"data": [1]}""")));

        var crashed = await ScoreAsync("die");
        Assert.Equal("worker_crashed", crashed.ErrorCode);
        Assert.Contains("signal 9", Text(crashed));

        var after = Pid(Ok(await ScoreAsync("""{"data": [2]}""")));
        Assert.NotEqual(before, after);
        Assert.False(AgentLive(before));
        Assert.Contains(Logs(), l => l.Contains("lost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_worker_killed_from_outside_mid_request_is_replaced()
    {
        await StartProvenAsync(await PlanAsync(Score, variables: GateVariables()));
        var pid = Pid(Ok(await ScoreAsync("""{"data": [1]}""")));

        var held = ScoreAsync("gate:outside");
        await EnteredAsync("outside");
        System.Diagnostics.Process.GetProcessById(pid).Kill();
        var crashed = await held;
        Assert.Equal("worker_crashed", crashed.ErrorCode);
        Assert.NotEqual(pid, Pid(Ok(await ScoreAsync("""{"data": [2]}"""))));
    }

    [Fact]
    public async Task Beyond_the_concurrency_limit_requests_are_refused_as_overloaded()
    {
        await StartProvenAsync(await PlanAsync(Score, workers: 1, maxConcurrent: 2, variables: GateVariables()));

        var first = ScoreAsync("gate:overload");
        await EnteredAsync("overload");
        var second = ScoreAsync("""{"data": [2]}""");
        var third = await ScoreAsync("""{"data": [3]}""");
        Assert.Equal("overloaded", third.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(1), third.RetryAfter);
        var runtime = Host.Runtime(WorkspaceId, Endpoint, "blue")!;
        Assert.Equal(1, runtime.Queued);

        Open("overload");
        Ok(await first);
        Ok(await second);
        Ok(await ScoreAsync("""{"data": [4]}"""));
    }

    [Fact]
    public async Task A_request_past_the_timeout_kills_and_replaces_the_worker()
    {
        await StartProvenAsync(await PlanAsync(Score, timeoutMs: 1_500, variables: GateVariables()));
        var before = Pid(Ok(await ScoreAsync("""{"data": [1]}""")));

        var timedOut = await ScoreAsync("hang");
        Assert.Equal("scoring_timeout", timedOut.ErrorCode);
        Assert.Contains("1500 ms", Text(timedOut));

        var after = Pid(Ok(await ScoreAsync("""{"data": [2]}""")));
        Assert.NotEqual(before, after);
        await EventuallyAsync(() => !AgentLive(before), "the timed-out worker to be gone");
    }

    [Fact]
    public async Task Prints_go_to_the_log_not_into_responses()
    {
        var plan = await PlanAsync(Score + """

            import sys as _sys
            def run(raw_data):
                print("from run:", raw_data)
                _sys.stdout.write("raw write\n")
                import os as _os
                _os.write(1, b"fd one\n")
                return {"ok": True}
            """, variables: GateVariables());
        await StartProvenAsync(plan);

        Assert.Equal("""{"ok": true}""", Ok(await ScoreAsync("hello")));
        await EventuallyAsync(() => Logs().Contains("from run: hello") && Logs().Contains("raw write") && Logs().Contains("fd one"), "the prints in the log");
        Assert.Contains("init loaded weights", Logs());
        Assert.Equal("""{"ok": true}""", Ok(await ScoreAsync("again")));
    }

    private static bool AgentLive(int pid) => Loom.Tests.Agent.AgentTestTools.IsLive(pid);
}
