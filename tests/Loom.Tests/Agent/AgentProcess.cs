using System.Diagnostics;
using System.Text;
using Loom.TestKit;

namespace Loom.Tests.Agent;

/// <summary>A <c>loom agent</c> process (the built CLI) serving a compute target of a test server, with its stderr kept.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder stderr = new();
    private readonly Task pumps;

    private AgentProcess(Process process)
    {
        this.process = process;
        pumps = Task.WhenAll(Pump(process.StandardError), Pump(process.StandardOutput));
    }

    public int Id => process.Id;

    /// <summary>What the agent wrote to stderr so far.</summary>
    public string Stderr
    {
        get { lock (stderr) return stderr.ToString(); }
    }

    public bool HasExited => process.HasExited;

    /// <summary>Starts <c>loom agent --compute COMPUTE --python /usr/bin/python3 --cache CACHE</c> against <paramref name="server"/>.</summary>
    public static AgentProcess Start(LoomTestServer server, string home, string compute, string cache, params string[] extra) =>
        Start(server.Url, server.AdminToken, home, compute, cache, extra);

    /// <summary>The same against the server at <paramref name="url"/>, registering with <paramref name="token"/>.</summary>
    public static AgentProcess Start(Uri url, string token, string home, string compute, string cache, params string[] extra)
    {
        var cli = new CliProcess(home);
        cli.Environment["LOOM_URL"] = url.ToString();
        cli.Environment["LOOM_TOKEN"] = token;
        return new AgentProcess(cli.Start(["agent", "--compute", compute, "--python", AgentTestTools.Python, "--cache", cache, .. extra]));
    }

    /// <summary>Sends SIGTERM and waits (bounded) for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!process.HasExited)
        {
            var (code, output) = await AgentTestTools.RunAsync("kill", "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(code == 0 || process.HasExited, output);
        }
        using var bound = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(bound.Token);
        await pumps.WaitAsync(TimeSpan.FromSeconds(5));
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            try
            {
                await TerminateAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        process.Dispose();
    }

    private async Task Pump(StreamReader reader)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
            lock (stderr) stderr.Append(buffer, 0, read);
    }
}
