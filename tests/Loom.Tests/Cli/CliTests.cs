using System.Text;
using System.Text.Json;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Cli;

/// <summary>The loom CLI run as a separate process against a real server, as a user runs it.</summary>
public sealed class CliTests : CliTestBase
{

    private async Task<RunDto> RunWithMetrics(string experiment, double accuracy)
    {
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest(experiment, Params: new() { ["lr"] = "0.1" }, Tags: new() { ["stage"] = "dev" }));
        await Server.Client.Metrics.LogAsync("default", run.Id, new MetricBatch([new MetricPoint("accuracy", 0.1, 0), new MetricPoint("accuracy", accuracy, 1)]));
        return run;
    }

    [Fact]
    public async Task Run_list_prints_a_table_or_the_json_other_tools_rely_on()
    {
        var good = await RunWithMetrics("demo", 0.95);
        var poor = await RunWithMetrics("demo", 0.5);
        var table = await Ok("run", "list", "--experiment", "demo");
        Assert.Contains(good.Id, table.Stdout);
        Assert.Contains(poor.Id, table.Stdout);
        Assert.DoesNotContain("\u001b[", table.Stdout);

        var json = await Ok("run", "list", "--experiment", "demo", "--filter", "metrics.accuracy > 0.9", "--output", "json");
        using var document = JsonDocument.Parse(json.Stdout);
        var run = Assert.Single(document.RootElement.EnumerateArray().ToList());
        Assert.Equal(good.Id, run.GetProperty("id").GetString());
        foreach (var field in new[] { "id", "experiment", "status", "startTime", "endTime", "params", "tags", "metrics" })
            Assert.True(run.TryGetProperty(field, out _), $"run list JSON lacks '{field}'");
        Assert.Equal(0.95, run.GetProperty("metrics").GetProperty("accuracy").GetDouble());
        Assert.Equal("0.1", run.GetProperty("params").GetProperty("lr").GetString());

        var ordered = await Ok("run", "list", "--experiment", "demo", "--order-by", "metrics.accuracy", "-o", "json");
        Assert.Equal([poor.Id, good.Id], JsonDocument.Parse(ordered.Stdout).RootElement.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Run_metrics_json_is_keyed_by_name_with_value_step_timestamp_and_count()
    {
        var run = await RunWithMetrics("demo", 0.75);
        var result = await Ok("run", "metrics", run.Id, "--output", "json");
        var accuracy = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("accuracy");
        Assert.Equal((0.75, 1, 2), (accuracy.GetProperty("value").GetDouble(), accuracy.GetProperty("step").GetInt64(), accuracy.GetProperty("count").GetInt64()));
        Assert.True(accuracy.TryGetProperty("timestamp", out _));
        Assert.Contains("accuracy", (await Ok("run", "metrics", run.Id)).Stdout);
        Assert.Contains(run.Id, (await Ok("run", "show", run.Id)).Stdout);
    }

    [Fact]
    public async Task Failures_exit_1_and_usage_errors_exit_2_with_a_clear_message()
    {
        var missing = await Cli.RunAsync("run", "show", "no-such-run");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("run_not_found", missing.Stderr);
        Assert.DoesNotContain("   at ", missing.Stderr);
        var badFilter = await Cli.RunAsync("run", "list", "--filter", "metrics.x >> 1");
        Assert.Equal(1, badFilter.ExitCode);
        Assert.Contains("invalid_filter", badFilter.Stderr);
        Assert.Equal(2, (await Cli.RunAsync("run", "list", "--output", "xml")).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("run", "show")).ExitCode);
        Assert.Equal(2, (await Cli.RunAsync("workspace", "explode")).ExitCode);
        Cli.Environment["LOOM_URL"] = $"http://127.0.0.1:{FreePort.Next()}";
        var unreachable = await Cli.RunAsync("workspace", "list");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("cannot reach", unreachable.Stderr);
    }

    [Fact]
    public async Task Workspaces_and_experiments_are_managed_from_the_cli()
    {
        await Ok("workspace", "create", "team-a", "--description", "Team A");
        Assert.Contains("team-a", (await Ok("workspace", "list")).Stdout);
        Assert.Contains("Team A", (await Ok("workspace", "show", "team-a")).Stdout);
        var exists = await Cli.RunAsync("workspace", "create", "team-a");
        Assert.Equal(1, exists.ExitCode);
        Assert.Contains("workspace_exists", exists.Stderr);
        await Server.Client.Runs.CreateAsync("team-a", new CreateRunRequest("exp1"));
        Assert.Contains("exp1", (await Ok("experiment", "list", "-w", "team-a")).Stdout);
        Assert.Contains("exp1", (await Ok("experiment", "show", "exp1", "--workspace", "team-a")).Stdout);
        Assert.Equal(1, (await Cli.RunAsync("workspace", "delete", "team-a")).ExitCode);
        await Ok("workspace", "delete", "team-a", "--force");
        Assert.DoesNotContain("team-a", (await Ok("workspace", "list")).Stdout);
    }

    [Fact]
    public async Task Tokens_are_created_listed_and_revoked_from_the_cli()
    {
        var created = await Ok("token", "create", "--name", "reader", "--role", "Reader", "--workspace", "default", "--output", "json");
        var token = JsonDocument.Parse(created.Stdout).RootElement;
        var secret = token.GetProperty("token").GetString()!;
        Assert.Contains("reader", (await Ok("token", "list")).Stdout);
        var asReader = new CliProcess(Home.Path);
        asReader.Environment["LOOM_URL"] = Server.Url.ToString();
        asReader.Environment["LOOM_TOKEN"] = secret;
        var run = await RunWithMetrics("demo", 0.5);
        Assert.Equal(0, (await asReader.RunAsync("run", "show", run.Id)).ExitCode);
        var forbidden = await asReader.RunAsync("run", "tag", run.Id, "k=v");
        Assert.Equal(1, forbidden.ExitCode);
        Assert.Contains("forbidden", forbidden.Stderr);
        await Ok("token", "revoke", token.GetProperty("id").GetString()!);
        var revoked = await asReader.RunAsync("run", "show", run.Id);
        Assert.Equal(1, revoked.ExitCode);
        Assert.Contains("unauthorized", revoked.Stderr);
    }

    [Fact]
    public async Task Runs_are_tagged_cancelled_their_logs_read_and_artifacts_downloaded()
    {
        var run = await RunWithMetrics("demo", 0.5);
        await Ok("run", "tag", run.Id, "stage=prod", "owner=ana");
        var tagged = await Server.Client.Runs.GetAsync("default", run.Id);
        Assert.Equal(("prod", "ana"), (tagged.Tags["stage"], tagged.Tags["owner"]));
        await Server.Client.Logs.AppendAsync("default", run.Id, "std_log.txt", Encoding.UTF8.GetBytes("epoch 1\nepoch 2\n"), 0);
        Assert.Contains("epoch 2", (await Ok("run", "logs", run.Id)).Stdout);
        var bytes = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        await Server.Http.PutAsync($"/api/v1/workspaces/default/runs/{run.Id}/artifacts/outputs/model.bin", new ByteArrayContent(bytes));
        await Server.Http.PutAsync($"/api/v1/workspaces/default/runs/{run.Id}/artifacts/outputs/sub/notes.txt", new StringContent("hi"));
        var target = Path.Combine(Home.Path, "download");
        await Ok("run", "download", run.Id, "--output-dir", target);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(target, "outputs", "model.bin")));
        Assert.Equal("hi", await File.ReadAllTextAsync(Path.Combine(target, "outputs", "sub", "notes.txt")));
        await Ok("run", "cancel", run.Id);
        Assert.Equal(RunStatus.Canceled, (await Server.Client.Runs.GetAsync("default", run.Id)).Status);
        Assert.Equal(0, (await Cli.RunAsync("run", "cancel", run.Id)).ExitCode);
        var finished = await RunWithMetrics("demo", 0.1);
        await Server.Client.Runs.UpdateAsync("default", finished.Id, new UpdateRunRequest(Status: RunStatus.Completed));
        var refused = await Cli.RunAsync("run", "cancel", finished.Id);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("invalid_status_transition", refused.Stderr);
    }

    [Fact]
    public async Task Following_logs_prints_new_lines_and_ends_with_the_run()
    {
        var run = await RunWithMetrics("demo", 0.5);
        await Server.Client.Logs.AppendAsync("default", run.Id, "std_log.txt", Encoding.UTF8.GetBytes("first line\n"), 0);
        using var follow = Cli.Start("run", "logs", run.Id, "--follow");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = follow.StandardOutput.ReadToEndAsync(timeout.Token);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        await Task.Delay(1500, timeout.Token);
        await Server.Client.Logs.AppendAsync("default", run.Id, "std_log.txt", Encoding.UTF8.GetBytes("second line\n"), 11);
        await Server.Client.Runs.UpdateAsync("default", run.Id, new UpdateRunRequest(Status: RunStatus.Completed));
        await follow.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, follow.ExitCode);
        var text = await output;
        Assert.Contains("first line", text);
        Assert.Contains("second line", text);
    }

    [Fact]
    public async Task Without_a_token_the_cli_uses_the_profile_or_the_local_servers_admin_token()
    {
        var fromDataFolder = new CliProcess(Home.Path);
        fromDataFolder.Environment["LOOM_URL"] = Server.Url.ToString();
        fromDataFolder.Environment["LOOM_DATA"] = Server.DataDirectory;
        Assert.Equal(0, (await fromDataFolder.RunAsync("workspace", "list")).ExitCode);

        var login = await Cli.RunAsync("login", "--url", Server.Url.ToString(), "--token", Server.AdminToken);
        Assert.True(login.ExitCode == 0, login.ToString());
        var profile = Path.Combine(Home.Path, ".config", "loom", "profile.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(profile));
        var fromProfile = new CliProcess(Home.Path);
        Assert.Equal(0, (await fromProfile.RunAsync("workspace", "list")).ExitCode);
        var badLogin = await Cli.RunAsync("login", "--url", Server.Url.ToString(), "--token", "loom_wrong");
        Assert.Equal(1, badLogin.ExitCode);
    }
}
