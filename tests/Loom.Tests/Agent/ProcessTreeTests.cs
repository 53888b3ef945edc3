using System.Globalization;
using System.Text;
using Loom.Agent.Processes;
using Loom.TestKit;

namespace Loom.Tests.Agent;

/// <summary>Real process trees started through setsid, signalled as groups.</summary>
public sealed class ProcessTreeTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);
    private static readonly IReadOnlyDictionary<string, string?> NoChanges = new Dictionary<string, string?>();
    private readonly TempDirectory folder = new("loom-tree");

    public void Dispose() => folder.Dispose();

    /// <summary>Live (not zombie) processes of a group, from /proc.</summary>
    private static List<int> LiveMembers(int group)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] is not ("Z" or "X") && int.Parse(fields[2], CultureInfo.InvariantCulture) == group) members.Add(pid);
        }
        return members;
    }

    private ProcessTree Start(string script, StringBuilder? output = null) =>
        ProcessTree.Start(["/bin/sh", "-c", script], folder.Path, NoChanges, data =>
        {
            if (output is null) return;
            lock (output) output.Append(Encoding.UTF8.GetString(data.Span));
        });

    [Fact]
    public async Task The_pid_is_the_process_group_and_a_whole_tree_is_stopped()
    {
        using var tree = Start("sleep 300 & sleep 300");
        Assert.True(await AgentTestTools.EventuallyAsync(() => LiveMembers(tree.Id).Count >= 3, TimeSpan.FromSeconds(10)),
            $"expected sh and two sleeps in group {tree.Id}");
        var members = LiveMembers(tree.Id);
        Assert.Contains(tree.Id, members);

        await tree.StopAsync(Grace);

        Assert.Empty(LiveMembers(tree.Id));
        Assert.All(members, pid => Assert.False(AgentTestTools.IsLive(pid), $"process {pid} survived"));
        Assert.False(tree.IsAlive);
        Assert.True(tree.Exited.IsCompleted);
        Assert.Equal(128 + 15, await tree.Exited);
        Assert.True(await tree.WaitForOutputAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_tree_that_ignores_SIGTERM_is_killed()
    {
        using var tree = Start("trap '' TERM; sleep 300 & sleep 300");
        Assert.True(await AgentTestTools.EventuallyAsync(() => LiveMembers(tree.Id).Count >= 3, TimeSpan.FromSeconds(10)));

        await tree.StopAsync(TimeSpan.FromSeconds(1));

        Assert.Empty(LiveMembers(tree.Id));
        Assert.Equal(128 + 9, await tree.Exited.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Stdout_and_stderr_arrive_merged_in_order_with_the_exit_code()
    {
        var output = new StringBuilder();
        using var tree = Start("echo one; echo two >&2; printf 'three'; exit 3", output);
        Assert.Equal(3, await tree.Exited.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await tree.WaitForOutputAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("one\ntwo\nthree", output.ToString());
    }

    [Fact]
    public async Task Background_children_holding_the_pipe_are_cleaned_up_after_the_main_process_exits()
    {
        var output = new StringBuilder();
        using var tree = Start("(sleep 300; echo never) & echo done", output);
        Assert.Equal(0, await tree.Exited.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(tree.IsAlive);

        await tree.StopAsync(Grace);

        Assert.False(tree.IsAlive);
        Assert.True(await tree.WaitForOutputAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("done\n", output.ToString());
    }

    [Fact]
    public async Task Variables_are_set_and_removed_and_the_folder_is_the_working_directory()
    {
        var output = new StringBuilder();
        var changes = new Dictionary<string, string?> { ["LOOM_TEST_SET"] = "yes", ["HOME"] = null };
        using var tree = ProcessTree.Start(["/bin/sh", "-c", "echo \"$LOOM_TEST_SET ${HOME-unset} $(pwd)\""], folder.Path, changes,
            data => { lock (output) output.Append(Encoding.UTF8.GetString(data.Span)); });
        Assert.Equal(0, await tree.Exited.WaitAsync(TimeSpan.FromSeconds(30)));
        await tree.WaitForOutputAsync(TimeSpan.FromSeconds(5));
        Assert.Equal($"yes unset {folder.Path}\n", output.ToString());
    }
}
