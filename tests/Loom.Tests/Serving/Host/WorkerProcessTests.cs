using System.Collections.Concurrent;
using System.Text;
using Loom.Serving.Workers;

namespace Loom.Tests.Serving.Host;

/// <summary>One worker process driven directly: per-request timeouts and its log lines.</summary>
public sealed class WorkerProcessTests : HostTestBase
{
    private readonly ConcurrentQueue<string> lines = new();

    private WorkerProcess StartWorker(string score)
    {
        var folder = Path.Combine(DataDirectory, "worker-src");
        Directory.CreateDirectory(folder);
        var script = Path.Combine(folder, "score.py");
        File.WriteAllText(script, score);
        var environment = new Dictionary<string, string?>
        {
            ["PYTHONPATH"] = Path.Combine(AppContext.BaseDirectory, "python"),
            ["LOOM_ENTRY_SCRIPT"] = script,
            ["PYTHONUNBUFFERED"] = "1",
            ["GATE_DIR"] = GateDirectory,
        };
        return WorkerProcess.Start(new WorkerLaunch(Python, folder, environment, TimeSpan.FromSeconds(5), 64 * 1024 * 1024), lines.Enqueue);
    }

    private static string Body(WorkerReply reply) => Encoding.UTF8.GetString(reply.Body);

    [Fact]
    public async Task A_timeout_that_fired_leaves_the_next_request_its_own_timeout()
    {
        const string score = GateHelper + """
            def init():
                pass
            def run(raw_data):
                if raw_data == "slow":
                    wait_for_gate("slow")
                return raw_data
            """;
        await using var worker = StartWorker(score);
        Assert.True((await worker.WaitReadyAsync(Bound, CancellationToken.None)).Ready);

        // The timer of this request fires (the script waits on a gate that is opened only afterwards).
        var timedOut = await worker.ScoreAsync("slow"u8.ToArray(), 200).AsTask().WaitAsync(Bound);
        Assert.Equal(ReplyKind.TimedOut, timedOut.Kind);
        Open("slow");

        // A fired timer must not be inherited: the next request gets a full timeout of its own (it used to fail at once).
        string[] sent = ["x", .. Enumerable.Range(0, 20).Select(i => $"r{i}")];
        var answers = new List<string>();
        foreach (var body in sent)
        {
            var reply = await worker.ScoreAsync(Encoding.UTF8.GetBytes(body), 60_000).AsTask().WaitAsync(Bound);
            Assert.Equal(ReplyKind.Ok, reply.Kind);
            answers.Add(Body(reply));
        }
        // The late reply to "slow" (when the worker got it before the timer fired) comes first, and the rest follow in order.
        string[] expected = answers[0] == "slow" ? ["slow", .. sent[..^1]] : sent;
        Assert.Equal(expected, answers);
    }

    [Fact]
    public async Task A_huge_stderr_line_is_cut_and_the_lines_after_it_are_kept()
    {
        const string score = """
            import sys
            def init():
                sys.stderr.write("start\n" + "y" * 2_000_000 + "\nafter the long line\n")
                sys.stderr.flush()
            def run(raw_data):
                return raw_data
            """;
        await using var worker = StartWorker(score);
        var start = await worker.WaitReadyAsync(Bound, CancellationToken.None);
        Assert.True(start.Ready, start.Failure);
        await EventuallyAsync(() => lines.Contains("after the long line"), "the line after the long one");
        var cut = Assert.Single(lines, l => l.StartsWith('y'));
        Assert.True(cut.Length < WorkerProcess.MaxLineChars + 100, $"a line of {cut.Length} characters was kept");
        Assert.EndsWith($" ... [line cut: {2_000_000 - WorkerProcess.MaxLineChars} more characters]", cut);
        Assert.Contains("start", lines);
    }
}
