using System.Text.Json;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Serving;

/// <summary><c>loom endpoint</c> and <c>loom deployment</c> run as separate processes against a real server whose host is the fake one.</summary>
public sealed class ServingCliTests : ServingCliTestBase
{
    [Fact]
    public async Task The_issues_tour_creates_deploys_invokes_splits_and_refuses_to_delete_a_deployed_model()
    {
        Write("model/model.pkl", "weights");
        var source = Path.GetDirectoryName(Write("iris/score.py", "def init():\n    pass\n\ndef run(raw_data):\n    return raw_data\n"))!;
        Write("iris/lib/helper.py", "X = 1\n");
        var sample = Write("sample.json", "{\"data\": [[5.1, 3.5, 1.4, 0.2]]}");
        await Ok("model", "register", "--name", "iris", "--path", FilePath("model", "model.pkl"));

        var created = Json(await Ok("endpoint", "create", "iris", "--auth", "key", "-o", "json"));
        Assert.Equal($"{Server.Url.AbsoluteUri.TrimEnd('/')}/endpoints/default/iris/score", created.GetProperty("scoringUri").GetString());
        var deployed = await Ok("deployment", "create", "--endpoint", "iris", "--name", "blue", "--model", "iris:1", "--source-dir", source,
            "--entry-script", "score.py", "--environment", "system", "--min-replicas", "1", "--max-replicas", "3", "--sample-request", sample);
        Assert.Contains("Succeeded", deployed.Stdout);
        var plan = Assert.Single(Server.Host.Started);
        Assert.Equal(["lib/helper.py", "score.py"], plan.SourceFiles.Select(f => f.Path));
        Assert.Equal((1, 3, "{\"data\": [[5.1, 3.5, 1.4, 0.2]]}"), (plan.MinReplicas, plan.MaxReplicas, plan.SampleRequest));

        var answer = await Ok("endpoint", "invoke", "iris", "--data", "{\"data\": [[5.1, 3.5, 1.4, 0.2]]}");
        Assert.Contains("\"deployment\":\"blue\"", answer.Stdout);
        var fromFile = Json(await Ok("endpoint", "invoke", "iris", "--file", sample, "-o", "json"));
        Assert.Equal("blue", fromFile.GetProperty("deployment").GetString());
        Assert.Equal("{\"data\": [[5.1, 3.5, 1.4, 0.2]]}", fromFile.GetProperty("response").GetProperty("input").GetString());

        // green from a script given by its path, with --no-wait, then a split.
        var green = Json(await Ok("deployment", "create", "--endpoint", "iris", "--name", "green", "--model", "iris", "--source-dir", source,
            "--entry-script", Path.Combine(source, "score.py"), "--no-wait", "-o", "json"));
        Assert.Equal("green", green.GetProperty("name").GetString());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Json(await Ok("deployment", "show", "green", "--endpoint", "iris", "-o", "json")).GetProperty("state").GetString() != DeploymentStates.Succeeded)
        {
            Assert.True(DateTime.UtcNow < deadline, "green never succeeded");
            await Task.Delay(50);
        }
        var split = Json(await Ok("endpoint", "update", "iris", "--traffic", "blue=90,green=10", "-o", "json"));
        Assert.Equal((90, 10), (split.GetProperty("traffic").GetProperty("blue").GetInt32(), split.GetProperty("traffic").GetProperty("green").GetInt32()));
        Assert.Contains("blue=90, green=10", (await Ok("endpoint", "show", "iris")).Stdout);
        Assert.Contains("\"deployment\":\"green\"", (await Ok("endpoint", "invoke", "iris", "--data", "{}", "--deployment", "green")).Stdout);
        var bad = await Cli.RunAsync("endpoint", "update", "iris", "--traffic", "blue=90,green=20");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("invalid_traffic", bad.Stderr);
        Assert.Equal(2, (await Cli.RunAsync("endpoint", "update", "iris", "--traffic", "blue")).ExitCode);

        var refused = await Cli.RunAsync("model", "delete", "iris:1");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("iris/blue", refused.Stderr);

        var list = (await Ok("deployment", "list", "--endpoint", "iris")).Stdout;
        Assert.Contains("blue", list);
        Assert.Contains("green", list);
        Assert.Contains("iris", (await Ok("endpoint", "list")).Stdout);
        Assert.Contains(FakeDeploymentHost.InitLogLine, (await Ok("deployment", "logs", "blue", "--endpoint", "iris")).Stdout);
        var logs = Json(await Ok("endpoint", "logs", "iris", "-o", "json"));
        Assert.Equal(["blue", "green"], logs.EnumerateObject().Select(p => p.Name));

        deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement metrics;
        while ((metrics = Json(await Ok("endpoint", "metrics", "iris", "--minutes", "10", "-o", "json"))).GetProperty("requests").GetInt64() < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the requests were never recorded");
            await Task.Delay(50);
        }
        Assert.Equal(3, metrics.GetProperty("requests").GetInt64());
        Assert.Contains("Latency p99", (await Ok("endpoint", "metrics", "iris")).Stdout);

        await Ok("endpoint", "update", "iris", "--traffic", "green=100,blue=0");
        await Ok("deployment", "delete", "blue", "--endpoint", "iris");
        await Ok("deployment", "update", "green", "--endpoint", "iris", "--workers", "3");
        Assert.Equal(2, Json(await Ok("deployment", "show", "green", "--endpoint", "iris", "-o", "json")).GetProperty("generation").GetInt32());
        await Ok("endpoint", "delete", "iris");
        await Ok("model", "delete", "iris:1");
    }

    [Fact]
    public async Task A_failed_proof_prints_the_init_log_and_the_error_and_exits_1()
    {
        var source = Path.GetDirectoryName(Write("app/score.py", "def init():\n    import sklearn\n"))!;
        Write("model.onnx", "onnx");
        await Ok("model", "register", "--name", "net", "--path", FilePath("model.onnx"));
        await Ok("endpoint", "create", "app");
        var failed = await Cli.RunAsync("deployment", "create", "--endpoint", "app", "--name", "blue", "--model", "net:1", "--source-dir", source,
            "--entry-script", "score.py", "--variable", "FAKE_FAIL=ModuleNotFoundError: No module named 'sklearn'");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains(FakeDeploymentHost.InitLogLine, failed.Stderr);
        Assert.Contains("error: deployment app/blue failed: ModuleNotFoundError: No module named 'sklearn'", failed.Stderr);
        Assert.Contains("Failed", failed.Stdout);

        // Nothing serves: invoking is a clear problem, not a hang.
        var invoked = await Cli.RunAsync("endpoint", "invoke", "app", "--data", "{}");
        Assert.Equal(1, invoked.ExitCode);
        Assert.Contains("deployment_not_ready", invoked.Stderr);

        // A no-code ONNX deployment needs no script.
        Assert.Contains("Succeeded", (await Ok("deployment", "create", "--endpoint", "app", "--name", "onnx", "--model", "net")).Stdout);

        var keys = Json(await Ok("endpoint", "keys", "app", "-o", "json"));
        var regenerated = Json(await Ok("endpoint", "keys", "app", "--regenerate", "secondary", "-o", "json"));
        Assert.Equal(keys.GetProperty("primaryKey").GetString(), regenerated.GetProperty("primaryKey").GetString());
        Assert.NotEqual(keys.GetProperty("secondaryKey").GetString(), regenerated.GetProperty("secondaryKey").GetString());
        Assert.Equal(2, (await Cli.RunAsync("endpoint", "keys", "app", "--regenerate", "tertiary")).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("endpoint", "invoke", "app")).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("deployment", "create", "--endpoint", "app", "--name", "x")).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("deployment", "create", "--endpoint", "app", "--name", "x", "--model", "net", "--entry-script", "nope.py",
            "--source-dir", source)).ExitCode);
        var missing = await Cli.RunAsync("endpoint", "show", "nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("endpoint_not_found", missing.Stderr);
    }
}
