using System.Globalization;
using Loom.Agent.Execution;
using Loom.Client;
using Loom.Contracts;

namespace Loom.Agent;

/// <summary>
/// <c>loom agent</c>: joins a compute target, then claims jobs one at a time (a long poll) and runs each. It waits
/// out server outages (retrying at most <see cref="ServerRetry.MaxDelay"/> apart), exits cleanly when the server
/// retires it, and on stop ends its current job as Failed ("agent stopped") and leaves the compute target.
/// </summary>
public sealed class AgentHost(AgentOptions options)
{
    private const int EnvironmentHeartbeatSeconds = 5;
    private static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs until <paramref name="stopToken"/> ends it or the server retires the agent; returns the exit code (0).
    /// A registration the server refuses throws its <see cref="LoomApiException"/>.
    /// </summary>
    public async Task<int> RunAsync(CancellationToken stopToken = default)
    {
        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        (string Id, string Token, int HeartbeatSeconds) identity;
        try
        {
            identity = await IdentifyAsync(http, stopToken);
        }
        catch (OperationCanceledException) when (stopToken.IsCancellationRequested)
        {
            return 0;
        }
        using var agent = new LoomClient(options.ServerUrl, identity.Token, http, AgentSession.ClientOptions);
        var session = new AgentSession(options, identity.Id, TimeSpan.FromSeconds(Math.Max(1, identity.HeartbeatSeconds)), http, agent);
        options.Log($"agent {identity.Id} on {options.Host}: serving compute '{options.Compute}' at {options.ServerUrl}");
        if (session.BundledPython is null) options.Log("warning: the bundled Python client was not found next to the agent; runs cannot 'import loom' unless installed");

        var outage = new OutageLog(options.Log);
        while (!stopToken.IsCancellationRequested)
        {
            JobDto? job;
            try
            {
                job = await ServerRetry.CallAsync(ct => agent.Agents.ClaimAsync(identity.Id, options.ClaimWaitSeconds, ct), outage.Failed,
                    TimeSpan.FromSeconds(options.ClaimWaitSeconds + 30), stopToken);
                outage.Recovered();
            }
            catch (LoomApiException e) when (e.Code == ErrorCodes.AgentRetired)
            {
                options.Log($"agent {identity.Id}: retired by the server; exiting");
                return 0;
            }
            catch (OperationCanceledException) when (stopToken.IsCancellationRequested)
            {
                break;
            }
            if (job is null) continue;

            JobOutcome outcome;
            try
            {
                outcome = await new JobRun(session, job).RunAsync(stopToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A fault of the agent's own while finishing a job: the server's lease settles that run; serve the next.
                options.Log($"run {job.RunId}: agent error: {e}");
                continue;
            }
            if (outcome.AgentLost)
            {
                options.Log($"agent {identity.Id}: the server no longer knows this agent; exiting");
                return 0;
            }
            if (outcome.RetireRequested) break;
        }
        await LeaveAsync(agent, identity.Id);
        return 0;
    }

    private async Task<(string Id, string Token, int HeartbeatSeconds)> IdentifyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.AgentId) && !string.IsNullOrEmpty(options.AgentToken))
            return (options.AgentId, options.AgentToken, options.HeartbeatSeconds ?? EnvironmentHeartbeatSeconds);
        if (string.IsNullOrEmpty(options.Compute)) throw new ArgumentException("A compute target is needed to register an agent.", nameof(options));
        if (string.IsNullOrEmpty(options.Token)) throw new ArgumentException("A user token is needed to register an agent.", nameof(options));
        using var user = new LoomClient(options.ServerUrl, options.Token, http, AgentSession.ClientOptions);
        var request = new RegisterAgentRequest(options.Workspace, options.Compute, options.Host, Environment.ProcessorCount, MachineInfo.MemoryBytes(),
            MachineInfo.GpuCount());
        var outage = new OutageLog(options.Log);
        var registered = await ServerRetry.CallAsync(ct => user.Agents.RegisterAsync(request, ct), outage.Failed, TimeSpan.FromSeconds(30), cancellationToken);
        options.Log(string.Create(CultureInfo.InvariantCulture,
            $"agent {registered.Id}: registered with compute '{registered.Compute}' of workspace '{registered.Workspace}' (heartbeat every {registered.HeartbeatSeconds} s)"));
        return (registered.Id, registered.Token, registered.HeartbeatSeconds);
    }

    private async Task LeaveAsync(LoomClient agent, string agentId)
    {
        using var timeout = new CancellationTokenSource(LeaveTimeout);
        try
        {
            await agent.Agents.LeaveAsync(agentId, timeout.Token);
            options.Log($"agent {agentId}: left the compute target");
        }
        catch (Exception e) when (e is LoomApiException or HttpRequestException or OperationCanceledException)
        {
            // The server forgets an agent that stops heartbeating anyway; leaving only makes it sooner.
            options.Log($"agent {agentId}: could not leave the compute target ({e.Message})");
        }
    }
}
