using System.Text.Json;
using Loom.TestKit;

namespace Loom.Tests.Environments;

/// <summary><c>loom environment</c> run as a separate process against a real server.</summary>
public sealed class EnvironmentCliTests : CliTestBase
{
    private readonly TempDirectory _files = new("loom-env");

    public override void Dispose()
    {
        _files.Dispose();
        base.Dispose();
    }

    private string Write(string name, string text)
    {
        var path = _files.Combine(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Create_from_a_yml_with_a_requirements_file_then_list_and_show()
    {
        Write("conf/requirements.txt", "# pinned\nscikit-learn==1.2.1\n\nnumpy  # any\n");
        var yml = Write("conf/env.yml", """
            name: sklearn
            description: scikit-learn on Debian's python
            python:
              interpreter: /usr/bin/python3
              requirementsFile: requirements.txt
              pipOptions: {noIndex: true, findLinks: [./wheels]}
            variables: {OMP_NUM_THREADS: "1"}
            """);
        var created = await Ok("environment", "create", "--file", yml, "-o", "json");
        var first = JsonDocument.Parse(created.Stdout).RootElement;
        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.Contains("sklearn", (await Ok("environment", "create", "--file", yml)).Stdout);
        await Ok("environment", "create", "--file", yml, "--name", "sklearn-copy");

        var list = (await Ok("environment", "list")).Stdout;
        Assert.Contains("sklearn-copy", list);
        Assert.Contains("system", list);
        var listed = JsonDocument.Parse((await Ok("environment", "list", "-o", "json")).Stdout).RootElement.EnumerateArray()
            .Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Equal(["system", "sklearn", "sklearn-copy"], listed);

        var shown = JsonDocument.Parse((await Ok("environment", "show", "sklearn:1", "--output", "json")).Stdout).RootElement;
        Assert.Equal(first.GetProperty("hash").GetString(), shown.GetProperty("hash").GetString());
        var python = shown.GetProperty("python");
        Assert.Equal("/usr/bin/python3", python.GetProperty("interpreter").GetString());
        Assert.Equal(["scikit-learn==1.2.1", "numpy"], python.GetProperty("requirements").EnumerateArray().Select(r => r.GetString()));
        Assert.True(python.GetProperty("pipOptions").GetProperty("noIndex").GetBoolean());
        Assert.Equal("1", shown.GetProperty("variables").GetProperty("OMP_NUM_THREADS").GetString());
        var table = (await Ok("environment", "show", "sklearn@latest")).Stdout;
        Assert.Contains("scikit-learn==1.2.1", table);
        Assert.Contains(first.GetProperty("hash").GetString()!, table);
        Assert.Contains("agent", (await Ok("environment", "show", "system")).Stdout);
    }

    [Fact]
    public async Task A_bad_file_exits_2_naming_the_problem_and_api_errors_exit_1()
    {
        var typo = await Cli.RunAsync("environment", "create", "--file", Write("typo.yml", "name: e\npyhton:\n  interpreter: python3\n"));
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("typo.yml:2:", typo.Stderr);
        Assert.Contains("pyhton", typo.Stderr);
        Assert.DoesNotContain("   at ", typo.Stderr);

        var broken = await Cli.RunAsync("environment", "create", "--file", Write("broken.yml", "name: e\npython:\n  requirements: [numpy\n"));
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("broken.yml:", broken.Stderr);

        var missing = await Cli.RunAsync("environment", "create", "--file", Write("missing.yml", "name: e\npython:\n  requirementsFile: nowhere.txt\n"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nowhere.txt", missing.Stderr);
        Assert.Equal(2, (await Cli.RunAsync("environment", "create", "--file", Write("noname.yml", "python: {}\n"))).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("environment", "create", "--file", _files.Combine("absent.yml"))).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("environment", "show", "e:two")).ExitCode);

        var reserved = await Cli.RunAsync("environment", "create", "--file", Write("system.yml", "name: system\n"));
        Assert.Equal(1, reserved.ExitCode);
        Assert.Contains("environment_reserved", reserved.Stderr);
        var invalid = await Cli.RunAsync("environment", "create", "--file", Write("invalid.yml", "name: e\npython:\n  requirements: ['==1.0']\n"));
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("invalid_environment", invalid.Stderr);
        var unknown = await Cli.RunAsync("environment", "show", "nothing:3");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("environment_not_found", unknown.Stderr);
    }
}
