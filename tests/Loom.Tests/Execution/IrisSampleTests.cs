using System.Text.Json;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Execution;

/// <summary>
/// The README's tour as a user types it: a local compute target, the sample's sklearn environment (Debian's
/// python3-sklearn seen through a venv), and <c>loom run submit</c> of samples/iris with its run configuration.
/// </summary>
public sealed class IrisSampleTests : CliTestBase
{
    private static string Sample
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Loom.slnx"))) root = root.Parent;
            return Path.Combine(root?.FullName ?? throw new InvalidOperationException("Loom.slnx not found above the tests."), "samples", "iris");
        }
    }

    [Fact]
    public async Task The_iris_sample_trains_on_a_local_target_with_its_metrics_outputs_and_logs()
    {
        await Ok("compute", "create", "cpu", "--type", "local", "--min-nodes", "0", "--max-nodes", "1", "--idle-seconds", "60");
        await Ok("environment", "create", "--file", Path.Combine(Sample, "env.yml"));
        var submitted = await Ok("run", "submit", "--config", Path.Combine(Sample, ".loom", "train.runconfig.yml"), "--wait", "--output", "json");
        using var json = JsonDocument.Parse(submitted.Stdout);
        var id = json.RootElement.GetProperty("id").GetString()!;
        Assert.Equal("Completed", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("iris", json.RootElement.GetProperty("experiment").GetString());
        Assert.True(json.RootElement.GetProperty("snapshot").GetProperty("files").GetInt32() >= 5);

        var run = await Server.Client.Runs.GetAsync("default", id);
        Assert.InRange(run.Metrics["accuracy"], 0.8, 1.0);
        Assert.Equal(5, (await Server.Client.Metrics.GetHistoryAsync("default", id, "fold_accuracy")).Points.Count);
        Assert.Equal(("sklearn:1", "0.5"), (run.Properties["loom.environment"], run.Params["C"]));
        var artifacts = await Server.Client.Artifacts.ListAsync("default", id);
        Assert.Contains(artifacts, a => a.Path == "outputs/model.pkl");
        var logs = (await Server.Client.Logs.ListAsync("default", id)).Select(l => l.File).ToList();
        Assert.Contains("std_log.txt", logs);
        Assert.Contains("environment_build_log.txt", logs);

        // Submitting the unchanged folder again uploads nothing.
        var again = await Ok("run", "submit", "--config", Path.Combine(Sample, ".loom", "train.runconfig.yml"), "--output", "json");
        using var second = JsonDocument.Parse(again.Stdout);
        Assert.Equal(0, second.RootElement.GetProperty("snapshot").GetProperty("uploadedFiles").GetInt32());
        Assert.Equal(json.RootElement.GetProperty("snapshot").GetProperty("id").GetString(), second.RootElement.GetProperty("snapshot").GetProperty("id").GetString());
        await Ok("run", "cancel", second.RootElement.GetProperty("id").GetString()!);
    }
}
