using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Workspaces;
using Loom.Studio.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Loom.Studio.Components.Pages.Runs;

/// <summary>
/// <c>/runs/{runId}</c>: a run's overview, metrics, child runs, outputs and logs, and code snapshot. While the run is
/// live the page polls it and hands each fresh copy to its tabs, which reload what they show; it stops when the run ends.
/// </summary>
public sealed partial class RunPage
{
    /// <summary>How often a live run is read again: often enough to follow a log, rare enough to cost nothing.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1.5);

    private static readonly string[] TabNames = ["overview", "metrics", "children", "outputs", "snapshot"];

    private RunDto? _run;
    private WorkspaceScope? _workspace;
    private LoomException? _problem;
    private bool _canContribute, _confirmCancel, _canceling;
    private string? _cancelProblem;
    private int _tab;
    private string? _shownRunId;
    private CancellationTokenSource? _polling;
    private Task _poll = Task.CompletedTask;

    [Parameter] public string RunId { get; set; } = "";

    /// <summary>The tab to open: overview, metrics, children, outputs or snapshot.</summary>
    [SupplyParameterFromQuery(Name = "tab")] public string? Tab { get; set; }

    private List<BreadcrumbItem> Breadcrumbs =>
    [
        new("Experiments", "/experiments"),
        new(_run!.Experiment, $"/experiments/{Uri.EscapeDataString(_run.Experiment)}"),
        new(_run.DisplayName ?? _run.Id, null, disabled: true),
    ];

    protected override async Task OnParametersSetAsync()
    {
        if (RunId == _shownRunId) return;
        _shownRunId = RunId;
        await StopPollingAsync();
        _run = null;
        _problem = null;
        _confirmCancel = false;
        _tab = Math.Max(0, Array.IndexOf(TabNames, Tab?.ToLowerInvariant()));
        try
        {
            _workspace = await Session.WorkspaceAsync(CancellationToken.None);
            _canContribute = await Session.CanContributeAsync();
            _run = await Runs.GetAsync(_workspace.Id, RunId, CancellationToken.None);
        }
        catch (LoomException e)
        {
            _problem = e;
            return;
        }
        if (RunStatusStyle.IsLive(_run.Status)) StartPolling(_workspace, _run.Id);
    }

    private void StartPolling(WorkspaceScope workspace, string runId)
    {
        _polling = new CancellationTokenSource();
        _poll = PollAsync(workspace, runId, _polling.Token);
    }

    private async Task PollAsync(WorkspaceScope workspace, string runId, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var run = await Runs.GetAsync(workspace.Id, runId, cancellationToken);
                await InvokeAsync(() =>
                {
                    _run = run;
                    StateHasChanged();
                });
                if (!RunStatusStyle.IsLive(run.Status)) return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
        catch (LoomException e)
        {
            // The run went away (its workspace was deleted): say so rather than keep showing it as live.
            await InvokeAsync(() =>
            {
                _problem = e;
                StateHasChanged();
            });
        }
    }

    private async Task CancelAsync()
    {
        _canceling = true;
        _cancelProblem = null;
        try
        {
            var workspace = await Session.WorkspaceAsync(CancellationToken.None, Role.Contributor);
            _run = await Runs.CancelAsync(workspace.Id, _run!.Id, CancellationToken.None);
        }
        catch (LoomException e) { _cancelProblem = e.Message; }
        finally
        {
            _canceling = false;
            _confirmCancel = false;
        }
    }

    private async Task StopPollingAsync()
    {
        if (_polling is null) return;
        await _polling.CancelAsync();
        await _poll;
        _polling.Dispose();
        _polling = null;
    }

    public async ValueTask DisposeAsync() => await StopPollingAsync();
}
