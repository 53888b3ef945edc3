using System.CommandLine;
using Loom.Cli;
using Loom.Cli.Output;
using Loom.TestKit;

namespace Loom.Tests.Submission;

/// <summary>
/// How <c>loom run submit</c> and <c>download-snapshot</c> read their command line, and the usage and file errors
/// they answer before connecting to any server (run in-process; nothing is listening at the URL they are given).
/// </summary>
public sealed class SubmitCommandLineTests : IDisposable
{
    private readonly TempDirectory _dir = new("loom-submit-cli");
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    public void Dispose()
    {
        _dir.Dispose();
        _stdout.Dispose();
        _stderr.Dispose();
    }

    private CliContext Context() => new()
    {
        Output = new ConsoleOutput(_stdout, _stderr, interactive: false),
        GetEnvironmentVariable = name => name == "LOOM_URL" ? $"http://127.0.0.1:{FreePort.Next()}" : name == "LOOM_TOKEN" ? "none" : null,
        HomeDirectory = _dir.Path,
    };

    private ParseResult Parse(params string[] args) => LoomCli.CreateRootCommand(Context()).Parse(args);

    private static string[] Values(ParseResult result, string name) => result.GetValue<string[]>(name) ?? [];

    private async Task<(int Code, string Stderr)> Run(params string[] args)
    {
        var code = await LoomCli.RunAsync(args, Context());
        return (code, _stderr.ToString());
    }

    [Fact]
    public void Arguments_take_the_words_after_them_up_to_the_next_submit_option()
    {
        var result = Parse("run", "submit", "--script", "train.py", "--arguments", "--c", "0.5", "-1", "--compute", "cpu", "--tag", "a=1");
        Assert.Empty(result.Errors);
        Assert.Equal(["--c", "0.5", "-1"], Values(result, "--arguments"));
        Assert.Equal("cpu", result.GetValue<string>("--compute"));
        Assert.Equal(["a=1"], Values(result, "--tag"));

        var last = Parse("run", "submit", "--compute", "cpu", "--script", "train.py", "--arguments", "--epochs", "3");
        Assert.Empty(last.Errors);
        Assert.Equal(["--epochs", "3"], Values(last, "--arguments"));
    }

    [Fact]
    public void Words_after_a_double_dash_are_arguments_even_when_they_look_like_loom_options()
    {
        var result = Parse("run", "submit", "--script", "t.py", "--arguments", "--c", "0.5", "--", "--compute", "x", "-o", "json");
        Assert.Empty(result.Errors);
        Assert.Equal(["--c", "0.5"], Values(result, "--arguments"));
        Assert.Equal(["--compute", "x", "-o", "json"], Values(result, "args"));
        Assert.Null(result.GetValue<string>("--compute"));
    }

    [Fact]
    public void Tags_durations_counts_and_distributions_are_parsed_or_refused()
    {
        var result = Parse("run", "submit", "--command", "make", "--tag", "a=1", "--tag", "b=c=d", "--max-duration", "10m",
            "--node-count", "2", "--process-count-per-node", "4", "--distribution", "mpi", "--environment", "sklearn:2", "--stream");
        Assert.Empty(result.Errors);
        Assert.Equal(["a=1", "b=c=d"], Values(result, "--tag"));
        Assert.Equal(600, result.GetValue<int?>("--max-duration"));
        Assert.Equal((2, 4, "mpi", true), (result.GetValue<int?>("--node-count"), result.GetValue<int?>("--process-count-per-node"),
            result.GetValue<string>("--distribution"), result.GetValue<bool>("--stream")));
        Assert.Equal(3600, Parse("run", "submit", "--max-duration", "3600").GetValue<int?>("--max-duration"));

        Assert.Contains(Parse("run", "submit", "--tag", "novalue").Errors, e => e.Message.Contains("'novalue' is not key=value"));
        Assert.Contains(Parse("run", "submit", "--max-duration", "soon").Errors, e => e.Message.Contains("'soon'"));
        Assert.NotEmpty(Parse("run", "submit", "--distribution", "horovod").Errors);
        Assert.NotEmpty(Parse("run", "submit", "--node-count", "two").Errors);
        Assert.NotEmpty(Parse("run", "download-snapshot", "r1", "--dest", "d", "--zip", "z.zip").Errors);
        Assert.Empty(Parse("run", "download-snapshot", "r1", "--zip", "z.zip").Errors);
    }

    [Fact]
    public async Task Usage_errors_exit_2_before_anything_is_uploaded()
    {
        File.WriteAllText(_dir.Combine("train.py"), "print(1)\n");
        var both = await Run("run", "submit", "-e", "exp", "--compute", "cpu", "--source-dir", _dir.Path, "--script", "train.py", "--command", "ls");
        Assert.Equal(2, both.Code);
        Assert.Contains("not both", both.Stderr);
        Assert.Equal(2, (await Run("run", "submit", "-e", "exp", "--compute", "cpu", "--source-dir", _dir.Path)).Code);
        Assert.Equal(2, (await Run("run", "submit", "-e", "exp", "--compute", "cpu", "--source-dir", _dir.Path, "--script", "train.py", "--node-count", "0")).Code);
        var stray = await Run("run", "submit", "-e", "exp", "--compute", "cpu", "--source-dir", _dir.Path, "--script", "train.py", "oops");
        Assert.Equal(2, stray.Code);
        Assert.Contains("'oops'", stray.Stderr);
        Assert.Equal(2, (await Run("run", "submit", "--config", _dir.Combine("absent.yml"))).Code);
        File.WriteAllText(_dir.Combine("bad.yml"), "script: train.py\ncompute_taget: cpu\n");
        var bad = await Run("run", "submit", "--config", _dir.Combine("bad.yml"));
        Assert.Equal(2, bad.Code);
        Assert.Contains(_dir.Combine("bad.yml") + ":2:1:", bad.Stderr);
        Assert.DoesNotContain("   at ", bad.Stderr);
    }

    [Fact]
    public async Task A_missing_script_or_source_folder_exits_1_naming_it()
    {
        var script = await Run("run", "submit", "-e", "exp", "--compute", "cpu", "--source-dir", _dir.Path, "--script", "train.py");
        Assert.Equal(1, script.Code);
        Assert.Contains("'train.py' is not a file in the source folder", script.Stderr);
        var folder = await Run("run", "submit", "-e", "exp", "--compute", "cpu", "--source-dir", _dir.Combine("nowhere"), "--command", "ls");
        Assert.Equal(1, folder.Code);
        Assert.Contains("does not exist", folder.Stderr);
        Assert.DoesNotContain("   at ", folder.Stderr);
    }
}
