using System.Net;
using Loom.Contracts;
using Loom.Server;
using Loom.TestKit;

namespace Loom.Tests.Durability;

public sealed class DataFolderTests
{
    [Fact]
    public async Task First_start_creates_the_default_workspace_and_a_private_admin_token()
    {
        await using var server = await LoomTestServer.StartAsync();
        var tokenFile = Path.Combine(server.DataDirectory, "admin.token");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        Assert.StartsWith("loom_", server.AdminToken);
        Assert.True(File.Exists(Path.Combine(server.DataDirectory, "loom.db")));
        var workspaces = await server.Client.Workspaces.ListAsync();
        Assert.Equal(["default"], workspaces.Select(w => w.Name));
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_folder_refuses_to_start()
    {
        await using var first = await LoomTestServer.StartAsync();
        var error = await Assert.ThrowsAsync<DataFolderInUseException>(() => LoomTestServer.StartAsync(dataDirectory: first.DataDirectory));
        Assert.Contains(first.DataDirectory, error.Message);
        Assert.Equal("healthy", (await first.Client.GetHealthAsync()).Status);
    }

    [Fact]
    public async Task A_restarted_server_keeps_its_runs_metrics_artifacts_and_token()
    {
        using var data = new TempDirectory();
        string runId, token;
        await using (var server = await LoomTestServer.StartAsync(dataDirectory: data.Path))
        {
            token = server.AdminToken;
            var run = await server.Client.Runs.CreateAsync("default", new CreateRunRequest("persist"));
            runId = run.Id;
            await server.Client.Metrics.LogAsync("default", runId, new MetricBatch([new MetricPoint("m", 1.25, 0)]));
            await HttpAssert.Status(HttpStatusCode.Created, await server.Http.PutAsync($"/api/v1/workspaces/default/runs/{runId}/artifacts/a.txt", new StringContent("kept")));
        }
        await using (var again = await LoomTestServer.StartAsync(dataDirectory: data.Path))
        {
            Assert.Equal(token, again.AdminToken);
            var run = await again.Client.Runs.GetAsync("default", runId);
            Assert.Equal(1.25, run.Metrics["m"]);
            Assert.Equal("kept", await again.Http.GetStringAsync($"/api/v1/workspaces/default/runs/{runId}/artifacts/a.txt"));
        }
    }

    [Fact]
    public void Options_come_from_the_command_line_over_variables_over_loom_json()
    {
        using var data = new TempDirectory();
        File.WriteAllText(Path.Combine(data.Path, "loom.json"), """{"Urls": "http://127.0.0.1:9001", "Database": "from-json.db"}""");
        var env = new Dictionary<string, string?> { ["LOOM_DATA"] = data.Path, ["LOOM_URLS"] = "http://127.0.0.1:9002" };
        var fromFiles = ServerConfiguration.Read([], env);
        Assert.Equal((data.Path, "http://127.0.0.1:9002", "from-json.db"), (fromFiles.DataDirectory, fromFiles.Urls, fromFiles.Database));
        var fromArgs = ServerConfiguration.Read(["--urls", "http://127.0.0.1:9003", "--database", "Host=db;Database=loom"], env);
        Assert.Equal("http://127.0.0.1:9003", fromArgs.Urls);
        Assert.True(fromArgs.IsPostgres);
        Assert.Throws<ArgumentException>(() => ServerConfiguration.Read(["--port", "1"], env));
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".loom"),
            ServerConfiguration.Read([], new Dictionary<string, string?>()).DataDirectory);
    }
}
