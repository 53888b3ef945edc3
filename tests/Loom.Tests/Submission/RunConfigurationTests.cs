using Loom.Client.Submission;
using Loom.TestKit;

namespace Loom.Tests.Submission;

/// <summary>Reading run configuration files, layering the command line over them, and checking them before upload.</summary>
public sealed class RunConfigurationTests : IDisposable
{
    private readonly TempDirectory _files = new("loom-runconfig");

    public void Dispose() => _files.Dispose();

    private string Write(string relative, string text)
    {
        var path = _files.Combine(relative.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private string Error(string relative, string text) =>
        Assert.Throws<RunConfigurationException>(() => RunConfiguration.Load(Write(relative, text))).Message;

    [Fact]
    public void Every_field_is_read_in_snake_case_with_scalars_kept_as_written()
    {
        var path = Write("proj/conf/train.yml", """
            script: src/train.py
            arguments: [--c, 0.50, --flag, "quoted value", 10]
            compute_target: cpu
            environment: sklearn:2
            node_count: 2
            process_count_per_node: 4
            distribution: PyTorch
            max_run_duration_seconds: 3600
            tags: {team: vision, epochs: 10, empty: }
            experiment: iris
            source_directory: ..
            """);
        var config = RunConfiguration.Load(path);
        Assert.Equal("src/train.py", config.Script);
        Assert.Null(config.Command);
        Assert.Equal(["--c", "0.50", "--flag", "quoted value", "10"], config.Arguments);
        Assert.Equal(("cpu", "sklearn:2", "iris"), (config.Compute, config.Environment, config.Experiment));
        Assert.Equal((2, 4, "pytorch", 3600), (config.NodeCount, config.ProcessCountPerNode, config.Distribution, config.MaxDurationSeconds));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "vision", ["epochs"] = "10", ["empty"] = "" }, config.Tags);
        Assert.Equal(_files.Combine("proj"), config.SourceDirectory);
        Assert.Equal(8, config.WorldSize);
        Assert.Equal("std_log_process_0.txt", config.MainLog);
    }

    [Fact]
    public void CamelCase_keys_and_the_aliases_are_read_too()
    {
        var config = RunConfiguration.Load(Write("a.yml", """
            command: python -c 'print(1)'
            compute: gpu
            nodeCount: 3
            processCountPerNode: 1
            maxDuration: 1h30m
            sourceDirectory: code
            """));
        Assert.Equal(("python -c 'print(1)'", "gpu", 3, 1, 5400), (config.Command, config.Compute, config.NodeCount, config.ProcessCountPerNode, config.MaxDurationSeconds));
        Assert.Equal(_files.Combine("code"), config.SourceDirectory);
        Assert.Equal("std_log_process_0.txt", config.MainLog);
        Assert.Equal("gpu", RunConfiguration.Load(Write("b.yml", "computeTarget: gpu\nmaxRunDurationSeconds: 30s\n")).Compute);
        Assert.Equal("std_log.txt", RunConfiguration.Load(Write("c.yml", "script: t.py\n")).MainLog);
        Assert.Equal("python train.py --name 'a b' 'it'\\''s'",
            RunConfiguration.Load(Write("d.yml", "command: [python, train.py, --name, a b, it's]\n")).Command);
    }

    [Fact]
    public void The_source_folder_defaults_to_the_project_above_a_loom_or_azureml_folder_else_the_files_folder()
    {
        Assert.Equal(_files.Combine("iris"), RunConfiguration.Load(Write("iris/.loom/train.runconfig.yml", "script: train.py\n")).SourceDirectory);
        Assert.Equal(_files.Combine("old"), RunConfiguration.Load(Write("old/.azureml/train.runconfig", "script: train.py\n")).SourceDirectory);
        Assert.Equal(_files.Combine("conf"), RunConfiguration.Load(Write("conf/train.yml", "script: train.py\n")).SourceDirectory);
        Assert.Equal(_files.Combine("empty"), RunConfiguration.Load(Write("empty/run.yml", "# nothing yet\n")).SourceDirectory);
    }

    [Fact]
    public void Unknown_keys_and_wrong_values_name_the_file_line_and_column()
    {
        var unknown = Error("typo.yml", "script: train.py\nscirpt: other.py\n");
        Assert.StartsWith(_files.Combine("typo.yml") + ":2:1: ", unknown);
        Assert.Contains("'scirpt'", unknown);
        Assert.Contains("compute_target", unknown);

        Assert.StartsWith(_files.Combine("count.yml") + ":2:13: ", Error("count.yml", "script: t.py\nnode_count: two\n"));
        Assert.Contains("whole number", Error("count2.yml", "node_count: 1.5\n"));
        Assert.Contains(":1:12: ", Error("args.yml", "arguments: --c 0.5\n"));
        Assert.Contains(":1:18: ", Error("nested.yml", "arguments: [--c, [0.5]]\n"));
        Assert.Contains("'tags' takes a mapping", Error("tags.yml", "tags: [a, b]\n"));
        Assert.Contains("'tags.a' takes a single value", Error("tags2.yml", "tags: {a: [1]}\n"));
        Assert.Contains("'script' takes a single value", Error("script.yml", "script: [a.py]\n"));
        Assert.Contains("duration", Error("duration.yml", "max_duration: soon\n"));
        Assert.Contains("'compute' sets what 'compute_target' already set", Error("both.yml", "compute_target: a\ncompute: b\n"));
        Assert.Contains("mapping", Error("list.yml", "- script: t.py\n"));
        Assert.Contains("more than one YAML document", Error("docs.yml", "script: a.py\n---\nscript: b.py\n"));
        Assert.StartsWith(_files.Combine("broken.yml") + ":3:1: ", Error("broken.yml", "script: t.py\narguments: [--c, 0.5\n"));
        Assert.Contains("cannot read", Assert.Throws<RunConfigurationException>(() => RunConfiguration.Load(_files.Combine("absent.yml"))).Message);
    }

    [Fact]
    public void Overrides_replace_set_values_merge_tags_and_replace_the_script_or_command_as_one()
    {
        var file = new RunConfiguration
        {
            SourceDirectory = "/src", Script = "train.py", Arguments = ["--c", "0.5"], Compute = "cpu", Environment = "sklearn",
            NodeCount = 2, Tags = new Dictionary<string, string> { ["team"] = "vision", ["stage"] = "dev" }, Experiment = "iris",
        };
        var merged = file.Override(new RunConfiguration { Compute = "gpu", Arguments = ["--c", "1"], Tags = new Dictionary<string, string> { ["stage"] = "prod" } });
        Assert.Equal(("/src", "train.py", "gpu", "sklearn", 2, "iris"), (merged.SourceDirectory, merged.Script, merged.Compute, merged.Environment, merged.NodeCount, merged.Experiment));
        Assert.Equal(["--c", "1"], merged.Arguments);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "vision", ["stage"] = "prod" }, merged.Tags);

        var command = file.Override(new RunConfiguration { Command = "make train" });
        Assert.Equal((null, "make train"), (command.Script, command.Command));
        Assert.Equal(["--c", "0.5"], command.Arguments);
        Assert.Empty(file.Override(new RunConfiguration { Arguments = [] }).Arguments!);
        var unchanged = file.Override(new RunConfiguration());
        Assert.Equal(file with { Tags = null }, unchanged with { Tags = null });
        Assert.Equal(file.Tags, unchanged.Tags);
    }

    [Fact]
    public void Validation_refuses_neither_or_both_entries_and_out_of_range_values()
    {
        string Invalid(RunConfiguration config) => Assert.Throws<RunConfigurationException>(config.Validate).Message;
        var valid = new RunConfiguration { Script = "a.py", Experiment = "e", Compute = "cpu" };
        valid.Validate();
        Assert.Contains("needs a script", Invalid(valid with { Script = null }));
        Assert.Contains("not both", Invalid(valid with { Command = "b" }));
        Assert.Contains("empty", Invalid(valid with { Script = null, Command = " " }));
        Assert.Contains("needs an experiment", Invalid(valid with { Experiment = null }));
        Assert.Contains("needs a compute target", Invalid(valid with { Compute = "" }));
        Assert.Contains("node count must be at least 1", Invalid(valid with { NodeCount = 0 }));
        Assert.Contains("process count per node", Invalid(valid with { ProcessCountPerNode = -1 }));
        Assert.Contains("max duration", Invalid(valid with { MaxDurationSeconds = 0 }));
        Assert.Contains("pytorch, mpi", Invalid(valid with { Distribution = "horovod" }));
        (valid with { Script = null, Command = "echo hi", NodeCount = 2, Distribution = "mpi" }).Validate();
    }

    [Fact]
    public void Check_resolves_the_source_folder_and_script_and_refuses_what_is_not_there()
    {
        var run = new RunConfiguration { Experiment = "e", Compute = "cpu" };
        Write("proj/src/train.py", "print(1)\n");
        var source = _files.Combine("proj");
        var checkedRun = RunSubmitter.Check(run with { SourceDirectory = source, Script = "src/train.py" });
        Assert.Equal((source, "src/train.py"), (checkedRun.SourceDirectory, checkedRun.Script));
        Assert.Equal("src/train.py", RunSubmitter.Check(run with { SourceDirectory = source, Script = _files.Combine("proj", "src", "train.py") }).Script);
        Assert.Equal("src/train.py", RunSubmitter.Check(run with { SourceDirectory = source + "/src/..", Script = "./src/../src/train.py" }).Script);

        var missing = Assert.Throws<FileNotFoundException>(() => RunSubmitter.Check(run with { SourceDirectory = source, Script = "train.py" }));
        Assert.Contains("'train.py' is not a file in the source folder", missing.Message);
        Assert.Contains("not inside the source folder",
            Assert.Throws<FileNotFoundException>(() => RunSubmitter.Check(run with { SourceDirectory = _files.Combine("proj", "src"), Script = "../../x.py" })).Message);
        Assert.Throws<FileNotFoundException>(() => RunSubmitter.Check(run with { SourceDirectory = source, Script = "src" }));
        Assert.Contains("does not exist", Assert.Throws<DirectoryNotFoundException>(() =>
            RunSubmitter.Check(run with { SourceDirectory = _files.Combine("nowhere"), Command = "ls" })).Message);
        Assert.Throws<RunConfigurationException>(() => RunSubmitter.Check(run with { SourceDirectory = source }));
    }

    [Fact]
    public void The_iris_sample_configuration_loads_and_checks()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Loom.slnx"))) root = root.Parent;
        Assert.NotNull(root);
        var sample = Path.Combine(root.FullName, "samples", "iris");
        var run = RunSubmitter.Check(RunConfiguration.Load(Path.Combine(sample, ".loom", "train.runconfig.yml")));
        Assert.Equal((sample, "train.py", "cpu", "sklearn", "iris"), (run.SourceDirectory, run.Script, run.Compute, run.Environment, run.Experiment));
        Assert.Equal(["--c", "0.5"], run.Arguments);
        Assert.Equal("iris", run.Tags!["sample"]);
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("30s", 30)]
    [InlineData("10m", 600)]
    [InlineData("2h", 7200)]
    [InlineData("1h30m", 5400)]
    [InlineData("1d", 86400)]
    [InlineData(" 5M ", 300)]
    [InlineData("", null)]
    [InlineData("10x", null)]
    [InlineData("h", null)]
    [InlineData("-5", null)]
    [InlineData("1.5h", null)]
    [InlineData("10m5", null)]
    [InlineData("99999999999", null)]
    [InlineData("999999999999999999d", null)]
    public void Durations_are_seconds_or_amounts_with_units(string text, int? seconds) =>
        Assert.Equal(seconds, DurationText.TryParseSeconds(text));
}
