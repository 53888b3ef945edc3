using System.Diagnostics;
using Loom.Core.Workspaces;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loom.Core.Execution;

/// <summary>
/// Follows the queues of local compute targets: starts agents up to maxNodes while node slots wait, retires agents idle
/// for idleSeconds down to minNodes. Agents are processes on this machine; what they do is decided by the queue alone.
/// </summary>
public sealed partial class LocalProvisioner(IExecutionStore store, AgentService agents, WorkspaceService workspaces, LocalAgentLauncher launcher,
    JobSignals signals, IOptions<ExecutionOptions> options, TimeProvider time, ILogger<LocalProvisioner> logger) : BackgroundService
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(8);
    private readonly Dictionary<string, Process> _processes = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = TimeSpan.FromSeconds(options.Value.TickSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Reap(stoppingToken);
                foreach (var target in await store.ProvisioningViewAsync(stoppingToken)) await FollowAsync(target, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
            await signals.WaitAnyAsync(tick, stoppingToken);
        }
    }

    /// <summary>
    /// Local agents stop with the server: each is asked to stop (SIGTERM: it stops its run's processes, reports the run
    /// failed as 'agent stopped' and leaves), and what is still there after a grace period is killed.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var running = _processes.Values.Where(p => !p.HasExited).ToList();
        foreach (var process in running)
        {
            try { using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]); }
            catch (System.ComponentModel.Win32Exception) { }
        }
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(StopGrace);
        try { await Task.WhenAll(running.Select(p => p.WaitForExitAsync(grace.Token))); }
        catch (OperationCanceledException) { }
        foreach (var process in running.Where(p => !p.HasExited))
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
        }
    }

    private async Task FollowAsync(ProvisioningTarget target, CancellationToken cancellationToken)
    {
        var live = target.Agents.Where(a => a.State is AgentStates.Starting or AgentStates.Idle or AgentStates.Busy).ToList();
        var busy = live.Count(a => a.State == AgentStates.Busy);
        var desired = Math.Min(target.MaxNodes, Math.Max(target.MinNodes, busy + target.QueuedNodes));
        if (live.Count < desired)
        {
            var workspace = await workspaces.ResolveAsync(target.WorkspaceName, cancellationToken);
            for (var i = live.Count; i < desired; i++)
            {
                var (agent, token) = await agents.ProvisionAsync(workspace, target.Compute, cancellationToken);
                try
                {
                    _processes[agent.Id] = launcher.Start(agent.Id, token, target.WorkspaceName, target.Compute);
                    LogStarted(logger, agent.Id, target.Compute, i + 1, desired);
                }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    await store.LeaveAsync(agent.Id, AgentStates.Lost, "agent could not start", time.GetUtcNow(), cancellationToken);
                    LogStartFailed(logger, target.Compute, e.Message);
                    return;
                }
            }
            return;
        }
        var now = time.GetUtcNow();
        var surplus = live.Count - desired;
        foreach (var idle in live.Where(a => a.State == AgentStates.Idle && now - a.IdleSince >= TimeSpan.FromSeconds(target.IdleSeconds))
                     .OrderBy(a => a.IdleSince).Take(surplus))
            if (await store.RetireAsync(idle.Id, now, cancellationToken))
                LogRetired(logger, idle.Id, target.Compute, target.IdleSeconds);
    }

    /// <summary>Forgets agents whose process ended; an agent that ended without leaving is lost at once rather than after its lease.</summary>
    private async Task Reap(CancellationToken cancellationToken)
    {
        foreach (var (agentId, process) in _processes.ToList())
        {
            if (!process.HasExited) continue;
            _processes.Remove(agentId);
            var retired = (await store.GetAgentAsync(agentId, cancellationToken))?.State == AgentStates.Retiring;
            await store.LeaveAsync(agentId, retired ? AgentStates.Left : AgentStates.Lost,
                retired ? "agent retired" : $"agent lost (its process exited with code {process.ExitCode})", time.GetUtcNow(), cancellationToken);
            process.Dispose();
        }
    }

    [LoggerMessage(EventId = 930, Level = LogLevel.Information, Message = "Started agent {AgentId} for {Compute} ({Count} of {Desired})")]
    private static partial void LogStarted(ILogger logger, string agentId, string compute, int count, int desired);

    [LoggerMessage(EventId = 931, Level = LogLevel.Information, Message = "Retiring agent {AgentId} of {Compute}: idle for {IdleSeconds} s")]
    private static partial void LogRetired(ILogger logger, string agentId, string compute, int idleSeconds);

    [LoggerMessage(EventId = 932, Level = LogLevel.Error, Message = "Could not start an agent for {Compute}: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string compute, string reason);

    [LoggerMessage(EventId = 933, Level = LogLevel.Warning, Message = "Provisioning failed; it runs again next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
