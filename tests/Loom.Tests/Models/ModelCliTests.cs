using System.IO.Compression;
using System.Text.Json;
using Loom.Client;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Models;

/// <summary><c>loom model</c> run as a separate process against a real server.</summary>
public sealed class ModelCliTests : CliTestBase
{
    private readonly TempDirectory _files = new("loom-model-cli");

    public override void Dispose()
    {
        _files.Dispose();
        base.Dispose();
    }

    private string Write(string path, string text)
    {
        var full = _files.Combine(path.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement;

    [Fact]
    public async Task Register_from_a_run_then_list_show_update_and_delete_as_in_the_issue()
    {
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("train"));
        await Server.Client.Artifacts.UploadAsync("default", run.Id, "outputs/model.pkl", new MemoryStream("pickle"u8.ToArray()));

        var registered = await Ok("model", "register", "--name", "iris", "--run", run.Id, "--path", "outputs/model.pkl", "--tag", "stage=candidate");
        Assert.Contains("model.pkl", registered.Stdout);
        Assert.Contains(run.Id, registered.Stdout);
        var second = Json(await Ok("model", "register", "--name", "iris", "--run", run.Id, "--path", "outputs/model.pkl",
            "--property", "accuracy=0.97", "--framework", "ScikitLearn", "--framework-version", "1.2.1", "--description", "retrained", "-o", "json"));
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        Assert.Equal("0.97", second.GetProperty("properties").GetProperty("accuracy").GetString());
        Assert.Equal("ScikitLearn", second.GetProperty("framework").GetString());

        var table = (await Ok("model", "list")).Stdout;
        Assert.Contains("iris", table);
        var latest = Json(await Ok("model", "list", "-o", "json")).EnumerateArray().Select(m => m.GetProperty("version").GetInt32()).ToList();
        Assert.Equal([2], latest);
        var candidates = Json(await Ok("model", "list", "--tag", "stage=candidate", "-o", "json")).EnumerateArray().Select(m => m.GetProperty("version").GetInt32());
        Assert.Equal([1], candidates);
        Assert.Equal(2, Json(await Ok("model", "list", "--name", "iris", "--all-versions", "-o", "json")).GetArrayLength());

        var shown = Json(await Ok("model", "show", "iris:1", "-o", "json"));
        Assert.Equal((run.Id, "outputs/model.pkl"), (shown.GetProperty("runId").GetString(), shown.GetProperty("runPath").GetString()));
        Assert.Contains("retrained", (await Ok("model", "show", "iris")).Stdout);
        Assert.Contains("retrained", (await Ok("model", "show", "iris@latest")).Stdout);

        var updated = Json(await Ok("model", "update", "iris:1", "--tag", "stage=production", "--tag", "owner=me", "-o", "json"));
        Assert.Equal("production", updated.GetProperty("tags").GetProperty("stage").GetString());
        var removed = Json(await Ok("model", "update", "iris:1", "--remove-tag", "owner", "-o", "json"));
        Assert.False(removed.GetProperty("tags").TryGetProperty("owner", out _));

        Assert.Contains("iris:1", (await Ok("model", "delete", "iris:1")).Stdout);
        var versions = await Server.Client.Models.ListVersionsAsync("default", "iris");
        Assert.Equal([2], versions.Select(m => m.Version));
        Assert.Equal(["iris"], (await Server.Client.Models.ListByRunAsync("default", run.Id)).Select(m => m.Name));
    }

    [Fact]
    public async Task Register_a_local_folder_then_download_it_as_a_folder_and_as_a_zip()
    {
        Write("model/weights.bin", new string('w', 5000));
        Write("model/sub/config.json", "{\"layers\": 3}");
        var model = Json(await Ok("model", "register", "--name", "local", "--path", _files.Combine("model"), "-o", "json"));
        Assert.Equal(["model/sub/config.json", "model/weights.bin"], model.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()));
        Assert.Contains("local", (await Ok("model", "register", "--name", "local", "--path", _files.Combine("model", "weights.bin"))).Stdout);

        var dest = _files.Combine("out");
        var downloaded = await Ok("model", "download", "local:1", "--dest", dest);
        Assert.Contains("local:1", downloaded.Stdout);
        Assert.Equal(new string('w', 5000), File.ReadAllText(Path.Combine(dest, "model", "weights.bin")));
        Assert.Equal("{\"layers\": 3}", File.ReadAllText(Path.Combine(dest, "model", "sub", "config.json")));
        await Ok("model", "download", "local", "--dest", dest);
        Assert.True(File.Exists(Path.Combine(dest, "weights.bin")));

        var zipPath = _files.Combine("local.zip");
        var zipped = Json(await Ok("model", "download", "local:1", "--zip", zipPath, "-o", "json"));
        Assert.Equal(zipPath, zipped.GetProperty("path").GetString());
        using var zip = ZipFile.OpenRead(zipPath);
        Assert.Equal(["model/sub/config.json", "model/weights.bin"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Usage_errors_exit_2_and_api_errors_exit_1_naming_their_code()
    {
        Assert.Equal(2, (await Cli.RunAsync("model", "register", "--name", "m")).ExitCode);
        var missing = await Cli.RunAsync("model", "register", "--name", "m", "--path", _files.Combine("absent"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("absent", missing.Stderr);
        Assert.Equal(2, (await Cli.RunAsync("model", "register", "--name", "m", "--path", Write("m.bin", "x"), "--tag", "novalue")).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("model", "delete", "m")).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("model", "delete", "m:latest")).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("model", "show", "m:two")).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("model", "update", "m:1")).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("model", "download", "m", "--dest", "a", "--zip", "b.zip")).ExitCode);

        var unknown = await Cli.RunAsync("model", "show", "nothing:3");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("model_not_found", unknown.Stderr);
        var noRun = await Cli.RunAsync("model", "register", "--name", "m", "--run", "no-such-run", "--path", "outputs/model.pkl");
        Assert.Equal(1, noRun.ExitCode);
        Assert.Contains("run_not_found", noRun.Stderr);
        var badName = await Cli.RunAsync("model", "register", "--name", "bad name", "--path", _files.Combine("m.bin"));
        Assert.Equal(1, badName.ExitCode);
        Assert.Contains("invalid_name", badName.Stderr);
        Assert.Equal(1, (await Cli.RunAsync("model", "delete", "nothing:1")).ExitCode);
        await Assert.ThrowsAsync<LoomNotFoundException>(() => Server.Client.Models.ListVersionsAsync("default", "m"));
    }
}
