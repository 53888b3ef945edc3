using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;

namespace Loom.Studio.Components.Pages.Runs.Parts;

/// <summary>
/// A tab of the run page. The page polls the run while it is live and hands each fresh <see cref="RunDto"/> down;
/// the tab then reloads what it shows. Reloads never overlap: one asked for during another runs right after it.
/// </summary>
public abstract partial class LiveRunTab : ComponentBase, IDisposable
{
    /// <summary>How often a costly part of a tab (a tree of runs, every output file) is read again while the run is live.</summary>
    public static readonly TimeSpan SlowRefresh = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _disposed = new();
    private RunDto? _loaded;
    private bool _loading, _again;

    [Inject] protected TimeProvider Time { get; set; } = default!;
    [Inject] private ILogger<LiveRunTab> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public RunDto Run { get; set; } = default!;
    [Parameter, EditorRequired] public WorkspaceScope Workspace { get; set; } = default!;

    /// <summary>
    /// A problem the last reload met (an artifact gone, a log removed), shown in the tab. Other faults of the first load
    /// reach the page's error boundary; those of a later reload are logged and the tab keeps what it shows.
    /// </summary>
    protected LoomException? Problem { get; private set; }

    /// <summary>True until the first reload finished.</summary>
    protected bool Loading => _loaded is null;

    protected CancellationToken Disposed => _disposed.Token;

    /// <summary>Reloads the tab for <paramref name="run"/>; <paramref name="first"/> on the tab's first load.</summary>
    protected abstract Task ReloadAsync(RunDto run, bool first, CancellationToken cancellationToken);

    protected override Task OnParametersSetAsync() => LoadAsync();

    /// <summary>Reloads the tab for the run it shows now (after the user asked for more of it).</summary>
    protected Task ReloadNowAsync()
    {
        _again = true;
        return LoadAsync();
    }

    private async Task LoadAsync()
    {
        if (_loading) return;
        _loading = true;
        try
        {
            while ((_again || !ReferenceEquals(_loaded, Run)) && !_disposed.IsCancellationRequested)
            {
                var (run, first) = (Run, _loaded is null);
                _again = false;
                try
                {
                    await ReloadAsync(run, first, _disposed.Token);
                    Problem = null;
                }
                catch (LoomException e) { Problem = e; }
                catch (OperationCanceledException) when (_disposed.IsCancellationRequested) { return; }
                catch (Exception e) when (!first)
                {
                    // A fault may pass (the store busy, a file locked): the next fresh run tries again.
                    LogReloadFailed(Logger, e, GetType().Name, run.Id);
                }
                _loaded = run;
                StateHasChanged();
            }
        }
        finally { _loading = false; }
    }

    public void Dispose()
    {
        // Cancelled, not disposed: a reload still unwinding may read the token.
        _disposed.Cancel();
        GC.SuppressFinalize(this);
    }

    [LoggerMessage(EventId = 1323, Level = LogLevel.Warning, Message = "Studio: the {Tab} tab of run {RunId} failed to reload; it keeps what it shows")]
    private static partial void LogReloadFailed(ILogger logger, Exception error, string tab, string runId);
}
