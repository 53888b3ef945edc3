using System.Text.Json;
using Loom.TestKit;

namespace Loom.Tests.Compute;

/// <summary><c>loom compute</c> run as a separate process against a real server.</summary>
public sealed class ComputeCliTests : CliTestBase
{

    [Fact]
    public async Task Create_list_show_and_delete()
    {
        var created = JsonDocument.Parse((await Ok("compute", "create", "gpu", "--type", "attached", "--min-nodes", "1", "--max-nodes", "4",
            "--idle-seconds", "60", "--description", "the lab's GPUs", "-o", "json")).Stdout).RootElement;
        Assert.Equal("attached", created.GetProperty("type").GetString());
        Assert.Equal((1, 4, 60), (created.GetProperty("minNodes").GetInt32(), created.GetProperty("maxNodes").GetInt32(), created.GetProperty("idleSeconds").GetInt32()));
        Assert.Equal(0, created.GetProperty("nodes").GetArrayLength());
        Assert.Equal(0, created.GetProperty("queueLength").GetInt32());
        var table = (await Ok("compute", "create", "cpu", "--type", "local")).Stdout;
        Assert.Contains("cpu", table);
        Assert.Contains("120", table);

        var list = (await Ok("compute", "list")).Stdout;
        Assert.Contains("gpu", list);
        Assert.Contains("attached", list);
        var listed = JsonDocument.Parse((await Ok("compute", "list", "-o", "json")).Stdout).RootElement.EnumerateArray()
            .Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(["cpu", "gpu"], listed);

        var shown = JsonDocument.Parse((await Ok("compute", "show", "gpu", "--output", "json")).Stdout).RootElement;
        Assert.Equal("the lab's GPUs", shown.GetProperty("description").GetString());
        Assert.Contains("the lab's GPUs", (await Ok("compute", "show", "gpu")).Stdout);

        Assert.Contains("gpu", (await Ok("compute", "delete", "gpu")).Stdout);
        Assert.True(JsonDocument.Parse((await Ok("compute", "delete", "cpu", "-o", "json")).Stdout).RootElement.GetProperty("deleted").GetBoolean());
        Assert.Equal(0, JsonDocument.Parse((await Ok("compute", "list", "-o", "json")).Stdout).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Usage_errors_exit_2_and_api_errors_exit_1()
    {
        Assert.Equal(2, (await Cli.RunAsync("compute", "create", "c")).ExitCode); // --type is required
        Assert.Equal(2, (await Cli.RunAsync("compute", "create", "c", "--type", "local", "--max-nodes", "many")).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("compute", "show")).ExitCode);

        var ssh = await Cli.RunAsync("compute", "create", "c", "--type", "ssh");
        Assert.Equal(1, ssh.ExitCode);
        Assert.Contains("invalid_compute", ssh.Stderr);
        Assert.Contains("attached", ssh.Stderr);
        var range = await Cli.RunAsync("compute", "create", "c", "--type", "local", "--min-nodes", "3", "--max-nodes", "2");
        Assert.Equal(1, range.ExitCode);
        Assert.Contains("invalid_compute", range.Stderr);
        Assert.DoesNotContain("   at ", range.Stderr);

        await Ok("compute", "create", "c", "--type", "local");
        var taken = await Cli.RunAsync("compute", "create", "c", "--type", "local");
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("compute_exists", taken.Stderr);
        var unknown = await Cli.RunAsync("compute", "show", "nothing");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("compute_not_found", unknown.Stderr);
        Assert.Contains("compute_not_found", (await Cli.RunAsync("compute", "delete", "nothing")).Stderr);
    }
}
