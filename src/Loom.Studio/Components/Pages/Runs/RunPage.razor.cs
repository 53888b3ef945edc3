using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Loom.Studio.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using MudBlazor;

namespace Loom.Studio.Components.Pages.Runs;

/// <summary>
/// <c>/runs/{runId}</c>: a run's overview, metrics, child runs, outputs and logs, and code snapshot. While the run is
/// live the page polls it and hands each fresh copy to its tabs, which reload what they show; it stops when the run ends.
/// </summary>
public sealed partial class RunPage
{
    /// <summary>How often a live run is read again while it changes: often enough to follow a log, rare enough to cost nothing.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1.5);

    /// <summary>The longest wait between polls, reached by a live run that has not changed for a while (or cannot be read).</summary>
    public static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(15);

    /// <summary>Failed polls in a row after which the page says its updates are paused (it keeps trying).</summary>
    public const int FailuresBeforePause = 3;

    private static readonly string[] TabNames = ["overview", "metrics", "children", "outputs", "snapshot"];

    private readonly LatestLoad _load = new();
    private RunDto? _run;
    private WorkspaceScope? _workspace;
    private LoomException? _problem;
    private bool _canContribute, _confirmCancel, _canceling;
    private string? _cancelProblem, _paused;
    private int _tab;
    private string? _shownRunId;
    private Task _poll = Task.CompletedTask;

    [Inject] private LogService Logs { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private ILogger<RunPage> Logger { get; set; } = default!;

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
        var runId = _shownRunId = RunId;
        // Another run cancels the last one's load and its poll: one poll per page, and a late answer for the run left
        // behind never replaces this one.
        var load = _load.Start();
        (_run, _workspace, _problem, _paused, _cancelProblem, _confirmCancel) = (null, null, null, null, null, false);
        _tab = Math.Max(0, Array.IndexOf(TabNames, Tab?.ToLowerInvariant()));
        WorkspaceScope workspace;
        RunDto run;
        bool canContribute;
        try
        {
            workspace = await Session.WorkspaceAsync(load);
            canContribute = await Session.CanContributeAsync();
            run = await Runs.GetAsync(workspace.Id, runId, load);
        }
        catch (Exception e) when (!_load.IsCurrent(load))
        {
            if (e is not OperationCanceledException) LogStaleLoadFailed(Logger, e, runId);
            return;
        }
        catch (LoomException e)
        {
            _problem = e;
            return;
        }
        if (!_load.IsCurrent(load)) return;
        (_workspace, _canContribute, _run) = (workspace, canContribute, run);
        if (RunStatusStyle.IsLive(run.Status)) _poll = PollAsync(workspace, run, load);
    }

    private async Task PollAsync(WorkspaceScope workspace, RunDto shown, CancellationToken load)
    {
        var backoff = new PollBackoff(PollInterval, MaxPollInterval);
        var wait = PollInterval;
        var failures = 0;
        // A run that only prints is changing too: its log grows, and the page keeps following it closely.
        var logBytes = -1L;
        try
        {
            while (true)
            {
                await Task.Delay(wait, Time, load);
                RunDto run;
                long bytes;
                try
                {
                    run = await Runs.GetAsync(workspace.Id, shown.Id, load);
                    bytes = (await Logs.ListAsync(workspace.Id, shown.Id, load)).Sum(l => l.Length);
                }
                catch (LoomException e)
                {
                    // The run went away (its workspace was deleted): say so rather than keep showing it as live.
                    await ShowAsync(load, () => _problem = e);
                    return;
                }
                catch (Exception e) when (!load.IsCancellationRequested)
                {
                    // A database or network fault may pass: keep what is shown and try again, less often while it lasts.
                    LogPollFailed(Logger, e, shown.Id, ++failures);
                    wait = backoff.Next(changed: false);
                    if (failures >= FailuresBeforePause) await ShowAsync(load, () => _paused = PausedText(e, failures, wait));
                    continue;
                }
                wait = backoff.Next(changed: failures > 0 || bytes != logBytes || RunChanges.Differ(shown, run));
                (failures, shown, logBytes) = (0, run, bytes);
                await ShowAsync(load, () => (_run, _paused) = (run, null));
                if (!RunStatusStyle.IsLive(run.Status)) return;
            }
        }
        catch (OperationCanceledException) when (load.IsCancellationRequested) { }
        catch (Exception e)
        {
            // Never a fault: the page awaits its poll when it goes away, and a throw there would end the user's circuit.
            LogPollStopped(Logger, e, shown.Id);
        }
    }

    private static string PausedText(Exception error, int failures, TimeSpan wait) =>
        $"Updates paused: reading this run failed {failures} times in a row ({error.GetType().Name}). " +
        $"The page tries again every {wait.TotalSeconds:0.#} s; the server log has the details.";

    /// <summary>Changes what the page shows, unless another run's load has started since <paramref name="load"/>.</summary>
    private Task ShowAsync(CancellationToken load, Action change) => InvokeAsync(() =>
    {
        if (!_load.IsCurrent(load)) return;
        change();
        StateHasChanged();
    });

    private async Task CancelAsync()
    {
        _canceling = true;
        _cancelProblem = null;
        var load = _load.Token;
        try
        {
            var workspace = await Session.WorkspaceAsync(load, Role.Contributor);
            var canceled = await Runs.CancelAsync(workspace.Id, _run!.Id, CancellationToken.None);
            if (_load.IsCurrent(load)) _run = canceled;
        }
        catch (LoomException e) { _cancelProblem = e.Message; }
        catch (OperationCanceledException) when (load.IsCancellationRequested) { }
        finally
        {
            _canceling = false;
            _confirmCancel = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _load.Dispose();
        // The poll catches what it meets, so waiting for it to end cannot throw into the renderer.
        await _poll;
    }

    [LoggerMessage(EventId = 1320, Level = LogLevel.Warning, Message = "Studio: reading live run {RunId} failed ({Failures} in a row); the page keeps polling")]
    private static partial void LogPollFailed(ILogger logger, Exception error, string runId, int failures);

    [LoggerMessage(EventId = 1321, Level = LogLevel.Error, Message = "Studio: the page following run {RunId} stopped polling")]
    private static partial void LogPollStopped(ILogger logger, Exception error, string runId);

    [LoggerMessage(EventId = 1322, Level = LogLevel.Debug, Message = "Studio: a load of run {RunId} that another load replaced failed")]
    private static partial void LogStaleLoadFailed(ILogger logger, Exception error, string runId);
}
