using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Loom.Core.Execution;

/// <summary>Starts <c>loom agent</c> processes on the server's machine for local compute targets, each with its own log file.</summary>
public sealed class LocalAgentLauncher(IServer server, IOptions<ExecutionOptions> options)
{
    /// <summary>Starts an agent already registered as <paramref name="agentId"/>; its token travels in the environment, never on the command line.</summary>
    public Process Start(string agentId, string token, string workspace, string compute)
    {
        var settings = options.Value;
        var command = settings.AgentCommand.Count > 0 ? settings.AgentCommand : DefaultCommand();
        var folder = settings.AgentDirectory;
        Directory.CreateDirectory(Path.Combine(folder, "logs"));
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
        foreach (var arg in (string[])["agent", "--compute", compute, "--workspace", workspace, "--url", ServerUrl(), "--python", settings.AgentPython,
                     "--cache", Path.Combine(folder, "cache"), "--work", Path.Combine(folder, "work")])
            start.ArgumentList.Add(arg);
        start.Environment.Remove("LOOM_TOKEN");
        start.Environment["LOOM_AGENT_ID"] = agentId;
        start.Environment["LOOM_AGENT_TOKEN"] = token;
        start.Environment["LOOM_AGENT_HEARTBEAT_SECONDS"] = settings.HeartbeatSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{command[0]}'.");
        var log = new FileStream(Path.Combine(folder, "logs", $"{agentId}.log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        _ = PumpAsync(process, log);
        return process;
    }

    private static async Task PumpAsync(Process process, FileStream log)
    {
        await using (log)
        {
            var gate = new SemaphoreSlim(1);
            async Task Copy(StreamReader from)
            {
                var buffer = new char[4096];
                int read;
                while ((read = await from.ReadAsync(buffer)) > 0)
                {
                    var bytes = System.Text.Encoding.UTF8.GetBytes(buffer, 0, read);
                    await gate.WaitAsync();
                    try { await log.WriteAsync(bytes); await log.FlushAsync(); }
                    finally { gate.Release(); }
                }
            }
            try { await Task.WhenAll(Copy(process.StandardOutput), Copy(process.StandardError)); }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
        }
    }

    private string ServerUrl()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server has no address yet.");
        var uri = new Uri(address.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0"));
        // An agent on this machine reaches a server listening on every interface through loopback.
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : uri.Host;
        return new UriBuilder(uri) { Host = host }.Uri.ToString().TrimEnd('/');
    }

    /// <summary>The program this server runs in: the <c>loom</c> app host, or <c>dotnet loom.dll</c>.</summary>
    private static List<string> DefaultCommand()
    {
        var process = Environment.ProcessPath ?? "loom";
        var entry = Assembly.GetEntryAssembly();
        if (entry?.GetName().Name != "loom")
            throw new InvalidOperationException("Local agents need Execution:AgentCommand: this server does not run inside the loom program.");
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, entry.Location] : [process];
    }
}
