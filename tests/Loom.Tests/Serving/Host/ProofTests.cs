using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Serving;

namespace Loom.Tests.Serving.Host;

/// <summary>Proving a generation: init failures, sample requests, the v1 model folder, the inference_schema decorators.</summary>
public sealed class ProofTests : HostTestBase
{
    [Fact]
    public async Task An_init_failure_fails_the_proof_with_its_traceback()
    {
        var proof = await StartAsync(await PlanAsync("""
            def init():
                print("loading the model")
                raise FileNotFoundError("model.pkl is missing")

            def run(raw_data):
                return raw_data
            """, workers: 2));

        Assert.False(proof.Succeeded);
        Assert.Contains("FileNotFoundError: model.pkl is missing", proof.Error);
        Assert.Contains("Traceback (most recent call last):", proof.InitLog);
        Assert.Contains("score.py\", line 3, in init", proof.InitLog);
        Assert.Contains("loading the model", proof.InitLog);
        Assert.Null(Host.Runtime(WorkspaceId, Endpoint, "blue"));
        Assert.Equal("deployment_not_ready", (await ScoreAsync("x")).ErrorCode);
        Assert.Contains(Logs(), l => l.Contains("failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_script_that_does_not_import_or_has_no_run_fails_the_proof()
    {
        var broken = await StartAsync(await PlanAsync("import no_such_module_here\n"));
        Assert.False(broken.Succeeded);
        Assert.Contains("ModuleNotFoundError", broken.InitLog);

        var noRun = await StartAsync(await PlanAsync("def init():\n    pass\n", generation: 2));
        Assert.False(noRun.Succeeded);
        Assert.Contains("defines no run(raw_data)", noRun.Error);
    }

    [Fact]
    public async Task The_sample_request_is_answered_before_the_generation_serves()
    {
        const string score = """
            import json
            def init():
                pass
            def run(raw_data):
                data = json.loads(raw_data)["data"]
                if not data:
                    raise ValueError("empty data")
                return [x * 2 for x in data]
            """;
        var proof = await StartProvenAsync(await PlanAsync(score, sample: """{"data": [1, 2]}"""));
        Assert.Equal("[2, 4]", proof.SampleResponse);

        var failing = await StartAsync(await PlanAsync(score, deployment: "green", sample: """{"data": []}"""));
        Assert.False(failing.Succeeded);
        Assert.Contains("scoring_error", failing.Error);
        Assert.Contains("ValueError: empty data", failing.Error);
        Assert.Null(Host.Runtime(WorkspaceId, Endpoint, "green"));
    }

    private const string ModelLister = """
        import json, os
        from azureml.core.model import Model

        def init():
            pass

        def run(raw_data):
            root = os.environ["AZUREML_MODEL_DIR"]
            files = sorted(os.path.relpath(os.path.join(folder, name), root)
                           for folder, _, names in os.walk(root) for name in names)
            paths = {name: os.path.relpath(Model.get_model_path(name), root) for name in json.loads(raw_data)}
            return {"root": root, "loom": os.environ["LOOM_MODEL_DIR"], "files": files, "paths": paths}
        """;

    [Fact]
    public async Task One_model_is_the_model_folder_itself()
    {
        var model = new DeployedModel("iris", 3, await StoreAsync(new Dictionary<string, string> { ["model.pkl"] = "pickle" }));
        await StartProvenAsync(await PlanAsync(ModelLister, models: [model]));

        using var json = JsonDocument.Parse(Ok(await ScoreAsync("""["iris"]""")));
        var root = json.RootElement;
        Assert.EndsWith("/models", root.GetProperty("root").GetString());
        Assert.Equal(root.GetProperty("root").GetString(), root.GetProperty("loom").GetString());
        Assert.Equal(["model.pkl"], root.GetProperty("files").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("model.pkl", root.GetProperty("paths").GetProperty("iris").GetString());
    }

    [Fact]
    public async Task Several_models_are_laid_out_by_name_and_version()
    {
        var iris = new DeployedModel("iris", 1, await StoreAsync(new Dictionary<string, string> { ["model.pkl"] = "pickle" }));
        var scaler = new DeployedModel("scaler", 2, await StoreAsync(new Dictionary<string, string>
        {
            ["scaler/mean.txt"] = "1.0",
            ["scaler/std.txt"] = "2.0",
        }));
        await StartProvenAsync(await PlanAsync(ModelLister, models: [iris, scaler]));

        using var json = JsonDocument.Parse(Ok(await ScoreAsync("""["iris", "scaler"]""")));
        var root = json.RootElement;
        Assert.Equal(["iris/1/model.pkl", "scaler/2/scaler/mean.txt", "scaler/2/scaler/std.txt"],
            root.GetProperty("files").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("iris/1/model.pkl", root.GetProperty("paths").GetProperty("iris").GetString());
        Assert.Equal("scaler/2/scaler", root.GetProperty("paths").GetProperty("scaler").GetString());
    }

    [Fact]
    public async Task Source_files_keep_their_modes()
    {
        var plan = await PlanAsync("""
            import os, stat
            def init():
                pass
            def run(raw_data):
                return oct(stat.S_IMODE(os.stat("tool.sh").st_mode))
            """);
        var tool = await StoreAsync(new Dictionary<string, string> { ["tool.sh"] = "#!/bin/sh\n" }, mode: 0b111_101_101);
        plan = plan with { SourceFiles = [.. plan.SourceFiles, .. tool] };
        await StartProvenAsync(plan);
        Assert.Equal("0o755", Ok(await ScoreAsync("x")));
    }

    [Fact]
    public async Task Decorators_convert_the_input_and_give_the_swagger_schema_and_the_sample()
    {
        var proof = await StartProvenAsync(await PlanAsync("""
            import numpy as np
            from inference_schema.schema_decorators import input_schema, output_schema
            from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
            from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType

            def init():
                pass

            @input_schema("data", NumpyParameterType(np.array([[5.1, 3.5, 1.4, 0.2]])))
            @input_schema("scale", StandardPythonParameterType(1.0))
            @output_schema(NumpyParameterType(np.array([1.0])))
            def run(data, scale):
                assert isinstance(data, np.ndarray), type(data)
                return data.sum(axis=1) * scale
            """));

        // The decorators' sample was the proof's request.
        Assert.Equal("[10.2]", proof.SampleResponse);
        Assert.Equal("[20.0, 4.0]", Ok(await ScoreAsync("""{"data": [[1, 2, 3, 4], [0, 0, 1, 1]], "scale": 2}""")));
        var wrongShape = await ScoreAsync("""{"data": [[1, 2]], "scale": 1}""");
        Assert.Equal("invalid_scoring_input", wrongShape.ErrorCode);
        Assert.Equal("The request is not the input the entry script declares: data: expected a list of rows of 4 numbers each, got 1 row(s) of 2",
            Text(wrongShape));

        var swagger = Host.Swagger(WorkspaceId, Endpoint, "blue");
        Assert.NotNull(swagger);
        using var document = JsonDocument.Parse(swagger);
        var definitions = document.RootElement.GetProperty("definitions");
        var input = definitions.GetProperty("ServiceInput");
        Assert.Equal("2.0", document.RootElement.GetProperty("swagger").GetString());
        Assert.Equal("numpy.ndarray", input.GetProperty("properties").GetProperty("data").GetProperty("format").GetString());
        Assert.Equal("number", input.GetProperty("properties").GetProperty("data").GetProperty("items").GetProperty("items").GetProperty("type").GetString());
        Assert.Equal(5.1, input.GetProperty("example").GetProperty("data")[0][0].GetDouble());
        Assert.Equal(1.0, input.GetProperty("example").GetProperty("scale").GetDouble());
        Assert.Equal("array", definitions.GetProperty("ServiceOutput").GetProperty("type").GetString());
        Assert.True(document.RootElement.GetProperty("paths").TryGetProperty("/score", out _));
    }

    [Fact]
    public async Task A_script_without_decorators_has_no_swagger()
    {
        await StartProvenAsync(await PlanAsync("def init():\n    pass\ndef run(raw_data):\n    return raw_data\n"));
        Assert.Null(Host.Swagger(WorkspaceId, Endpoint, "blue"));
        Assert.Equal("echo", Ok(await ScoreAsync("echo")));
    }

    [Fact]
    public async Task A_sklearn_model_trained_in_init_predicts()
    {
        await StartProvenAsync(await PlanAsync("""
            import json
            import numpy as np
            from sklearn.linear_model import LogisticRegression

            model = None

            def init():
                global model
                x = np.array([[0.0], [1.0], [2.0], [3.0]])
                model = LogisticRegression().fit(x, [0, 0, 1, 1])

            def run(raw_data):
                data = np.array(json.loads(raw_data)["data"])
                return {"predictions": model.predict(data), "first": model.predict(data)[0]}
            """));
        Assert.Equal("""{"predictions": [0, 1], "first": 0}""", Ok(await ScoreAsync("""{"data": [[0.1], [2.9]]}""")));
    }

    [Fact]
    public async Task An_environment_with_a_spec_runs_in_its_venv_in_the_shared_agent_cache()
    {
        var environment = new EnvironmentDto("venv-env", 1, "servinghosttestvenv", null, new Dictionary<string, string>(),
            new PythonSpec("python3", [], null, SystemSitePackages: true), null, new Dictionary<string, string> { ["FROM_ENV"] = "yes" },
            DateTimeOffset.UtcNow);
        var plan = await PlanAsync("""
            import os, sys
            import numpy
            def init():
                pass
            def run(raw_data):
                return {"prefix": sys.prefix, "env": os.environ["FROM_ENV"], "virtual": os.environ["VIRTUAL_ENV"]}
            """);
        await StartProvenAsync(plan with { Environment = environment });

        using var json = JsonDocument.Parse(Ok(await ScoreAsync("x")));
        var venv = Path.Combine(DataDirectory, "agents", "cache", "envs", "servinghosttestvenv");
        Assert.Equal(venv, json.RootElement.GetProperty("prefix").GetString());
        Assert.Equal(venv, json.RootElement.GetProperty("virtual").GetString());
        Assert.Equal("yes", json.RootElement.GetProperty("env").GetString());
        Assert.Contains(Logs(), l => l.Contains("-m venv --system-site-packages", StringComparison.Ordinal));
    }
}
