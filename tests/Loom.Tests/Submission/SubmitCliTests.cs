using System.IO.Compression;
using System.Text.Json;
using Loom.Client.Git;
using Loom.Contracts;
using Loom.TestKit;
using Loom.Tests.Git;

namespace Loom.Tests.Submission;

/// <summary>
/// <c>loom run submit</c> and <c>loom run download-snapshot</c> run as processes against a real server. The compute
/// target is <c>attached</c> with no agent, so submitted runs stay Queued (<see cref="SubmitAgentTests"/> has an agent run them).
/// </summary>
public sealed class SubmitCliTests : CliTestBase
{
    private readonly TempDirectory _work = new("loom-submit");

    public override void Dispose()
    {
        _work.Dispose();
        base.Dispose();
    }

    private string Write(string relative, string text)
    {
        var path = _work.Combine(relative.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task AttachedCompute(string name = "cpu", int maxNodes = 2) =>
        await Server.Client.Computes.CreateAsync("default", new CreateComputeRequest(name, "attached", MaxNodes: maxNodes));

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement;

    [Fact]
    public async Task Submit_prints_the_run_and_its_snapshot_as_json_and_a_resubmit_uploads_nothing()
    {
        await AttachedCompute();
        var source = _work.Combine("proj");
        Directory.CreateDirectory(source);
        GitRepo.InitWithCommit(source);
        Write("proj/data/iris.csv", "5.1,3.5,1.4,0.2,setosa\n");
        var submitted = await Ok("run", "submit", "--source-dir", source, "--script", "train.py", "--arguments", "--c", "0.5", "--compute", "cpu",
            "--experiment", "iris", "--tag", "team=vision", "--tag", "stage=dev", "--max-duration", "10m", "--output", "json");
        var run = Json(submitted);
        Assert.Equal(["id", "status", "experiment", "snapshot"], run.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["id", "files", "uploadedFiles", "uploadedBytes"], run.GetProperty("snapshot").EnumerateObject().Select(p => p.Name));
        Assert.Equal(("Queued", "iris"), (run.GetProperty("status").GetString(), run.GetProperty("experiment").GetString()));
        var snapshot = run.GetProperty("snapshot");
        Assert.Equal((2, 2), (snapshot.GetProperty("files").GetInt32(), snapshot.GetProperty("uploadedFiles").GetInt32()));
        Assert.True(snapshot.GetProperty("uploadedBytes").GetInt64() > 0);

        var id = run.GetProperty("id").GetString()!;
        var job = await Server.Client.Runs.GetJobAsync("default", id);
        Assert.Equal(("cpu", "train.py", "system"), (job.Compute, job.Script, job.Environment.Split(':')[0]));
        Assert.Equal(["--c", "0.5"], job.Arguments);
        Assert.Equal(600, job.MaxDurationSeconds);
        var stored = await Server.Client.Runs.GetAsync("default", id);
        Assert.Equal(("vision", "dev"), (stored.Tags["team"], stored.Tags["stage"]));
        Assert.Equal(snapshot.GetProperty("id").GetString(), stored.Properties["loom.snapshotId"]);
        Assert.Equal("main", stored.Properties[GitProperties.Branch]);
        Assert.Equal(GitRepo.Run(source, "rev-parse", "HEAD"), stored.Properties[GitProperties.Commit]);
        Assert.Equal("true", stored.Properties[GitProperties.Dirty]); // data/ is untracked

        var again = Json(await Ok("run", "submit", "--source-dir", source, "--script", "train.py", "--compute", "cpu", "-e", "iris", "-o", "json"));
        Assert.NotEqual(id, again.GetProperty("id").GetString());
        Assert.Equal(snapshot.GetProperty("id").GetString(), again.GetProperty("snapshot").GetProperty("id").GetString());
        Assert.Equal((0, 0L), (again.GetProperty("snapshot").GetProperty("uploadedFiles").GetInt32(), again.GetProperty("snapshot").GetProperty("uploadedBytes").GetInt64()));
        Assert.Empty((await Server.Client.Runs.GetJobAsync("default", again.GetProperty("id").GetString()!)).Arguments);

        var table = await Ok("run", "submit", "--source-dir", source, "--command", "python train.py", "--compute", "cpu", "-e", "iris");
        Assert.Contains("Queued", table.Stdout);
        Assert.Contains("uploaded 0 files", table.Stdout);

        var shown = await Ok("run", "show", id);
        Assert.Contains("train.py", shown.Stdout);
        Assert.Contains("--c 0.5", shown.Stdout);
        var shownJson = Json(await Ok("run", "show", id, "-o", "json"));
        Assert.Equal(id, shownJson.GetProperty("id").GetString());
        Assert.Equal("cpu", shownJson.GetProperty("job").GetProperty("compute").GetString());
    }

    [Fact]
    public async Task Bad_submissions_exit_with_the_problem_and_nothing_is_queued()
    {
        await AttachedCompute(maxNodes: 2);
        var source = _work.Combine("proj");
        Write("proj/train.py", "print('train')\n");
        string[] common = ["run", "submit", "--source-dir", source, "-e", "bad"];

        var noScript = await Cli.RunAsync([.. common, "--script", "missing.py", "--compute", "cpu"]);
        Assert.Equal(1, noScript.ExitCode);
        Assert.Contains("'missing.py' is not a file in the source folder", noScript.Stderr);
        var both = await Cli.RunAsync([.. common, "--script", "train.py", "--command", "ls", "--compute", "cpu"]);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("not both", both.Stderr);

        var compute = await Cli.RunAsync([.. common, "--script", "train.py", "--compute", "gpu"]);
        Assert.Equal(1, compute.ExitCode);
        Assert.Contains("compute_not_found", compute.Stderr);
        Assert.Contains("gpu", compute.Stderr);
        var nodes = await Cli.RunAsync([.. common, "--script", "train.py", "--compute", "cpu", "--node-count", "3"]);
        Assert.Equal(1, nodes.ExitCode);
        Assert.Contains("invalid_submission", nodes.Stderr);
        Assert.Contains("at most 2", nodes.Stderr);
        var environment = await Cli.RunAsync([.. common, "--script", "train.py", "--compute", "cpu", "--environment", "sklearn:4"]);
        Assert.Equal(1, environment.ExitCode);
        Assert.Contains("environment_not_found", environment.Stderr);
        Write("proj/.amlignore", "train.py\n");
        var ignored = await Cli.RunAsync([.. common, "--script", "train.py", "--compute", "cpu"]);
        Assert.Equal(1, ignored.ExitCode);
        Assert.Contains("invalid_submission", ignored.Stderr);
        foreach (var result in new[] { noScript, both, compute, nodes, environment, ignored }) Assert.DoesNotContain("   at ", result.Stderr);

        Assert.Empty((await Server.Client.Runs.ListAsync("default", experiment: "bad")).Value);
    }

    [Fact]
    public async Task A_config_file_in_a_loom_folder_submits_its_project_with_command_line_overrides()
    {
        await AttachedCompute();
        await AttachedCompute("gpu");
        Write("iris/train.py", "print('train')\n");
        var config = Write("iris/.loom/train.runconfig.yml", """
            script: train.py
            arguments: [--c, 0.5]
            compute_target: cpu
            experiment: iris
            tags: {sample: iris, stage: dev}
            """);
        var run = Json(await Ok("run", "submit", "--config", config, "--arguments", "--c", "1.0", "--compute", "gpu", "--tag", "stage=prod", "-o", "json"));
        Assert.Equal(2, run.GetProperty("snapshot").GetProperty("files").GetInt32()); // train.py and the config itself
        var id = run.GetProperty("id").GetString()!;
        var job = await Server.Client.Runs.GetJobAsync("default", id);
        Assert.Equal(("gpu", "train.py"), (job.Compute, job.Script));
        Assert.Equal(["--c", "1.0"], job.Arguments);
        var tags = (await Server.Client.Runs.GetAsync("default", id)).Tags;
        Assert.Equal(("iris", "prod"), (tags["sample"], tags["stage"]));

        var unknown = await Cli.RunAsync("run", "submit", "--config", Write("iris/.loom/typo.yml", "script: train.py\ncompute_taget: cpu\n"));
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("typo.yml:2:1:", unknown.Stderr);
        Assert.Contains("compute_taget", unknown.Stderr);
    }

    [Fact]
    public async Task Download_snapshot_gives_back_the_submitted_files_as_a_folder_or_a_zip()
    {
        await AttachedCompute();
        var files = new Dictionary<string, string>
        {
            ["train.py"] = "print('train')\n",
            ["pkg/model.py"] = "class Model: pass\n",
            ["run.sh"] = "#!/bin/sh\necho hi\n",
        };
        foreach (var (path, text) in files) Write("proj/" + path, text);
        File.SetUnixFileMode(_work.Combine("proj", "run.sh"), (UnixFileMode)Convert.ToInt32("755", 8));
        var id = Json(await Ok("run", "submit", "--source-dir", _work.Combine("proj"), "--script", "train.py", "--compute", "cpu", "-e", "e", "-o", "json"))
            .GetProperty("id").GetString()!;

        var dest = _work.Combine("copy");
        var folder = Json(await Ok("run", "download-snapshot", id, "--dest", dest, "-o", "json"));
        Assert.Equal((3, "folder"), (folder.GetProperty("files").GetInt32(), folder.GetProperty("format").GetString()));
        foreach (var (path, text) in files) Assert.Equal(text, File.ReadAllText(Path.Combine(dest, path)));
        Assert.Equal(files.Count, Directory.GetFiles(dest, "*", SearchOption.AllDirectories).Length);
        Assert.True((File.GetUnixFileMode(Path.Combine(dest, "run.sh")) & UnixFileMode.UserExecute) != 0);
        Assert.True((File.GetUnixFileMode(Path.Combine(dest, "train.py")) & UnixFileMode.UserExecute) == 0);

        var zip = _work.Combine("out", "snapshot.zip");
        Assert.Contains("snapshot.zip", (await Ok("run", "download-snapshot", id, "--zip", zip)).Stdout);
        using (var archive = ZipFile.OpenRead(zip))
        {
            Assert.Equal(files.Keys.Order(StringComparer.Ordinal), archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            foreach (var entry in archive.Entries)
            {
                using var reader = new StreamReader(entry.Open());
                Assert.Equal(files[entry.FullName], reader.ReadToEnd());
            }
        }
        Assert.False(File.Exists(zip + ".partial"));

        var interactive = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("e"));
        var none = await Cli.RunAsync("run", "download-snapshot", interactive.Id, "--dest", _work.Combine("none"));
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("has no snapshot", none.Stderr);
        Assert.Equal(2, (await Cli.RunAsync("run", "download-snapshot", id, "--dest", dest, "--zip", zip)).ExitCode);
        Assert.Contains("run_not_found", (await Cli.RunAsync("run", "download-snapshot", "nothing", "--dest", dest)).Stderr);
    }
}
