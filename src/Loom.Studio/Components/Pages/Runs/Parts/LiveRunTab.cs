using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Components;

namespace Loom.Studio.Components.Pages.Runs.Parts;

/// <summary>
/// A tab of the run page. The page polls the run while it is live and hands each fresh <see cref="RunDto"/> down;
/// the tab then reloads what it shows. Reloads never overlap: one asked for during another runs right after it.
/// </summary>
public abstract class LiveRunTab : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private RunDto? _loaded;
    private bool _loading;

    [Parameter, EditorRequired] public RunDto Run { get; set; } = default!;
    [Parameter, EditorRequired] public WorkspaceScope Workspace { get; set; } = default!;

    /// <summary>A problem the last reload met (an artifact gone, a log removed), shown in the tab; faults still reach the page's error boundary.</summary>
    protected LoomException? Problem { get; private set; }

    /// <summary>True until the first reload finished.</summary>
    protected bool Loading => _loaded is null;

    protected CancellationToken Disposed => _disposed.Token;

    /// <summary>Reloads the tab for <paramref name="run"/>; <paramref name="first"/> on the tab's first load.</summary>
    protected abstract Task ReloadAsync(RunDto run, bool first, CancellationToken cancellationToken);

    protected override async Task OnParametersSetAsync()
    {
        if (_loading) return;
        _loading = true;
        try
        {
            while (!ReferenceEquals(_loaded, Run) && !_disposed.IsCancellationRequested)
            {
                var run = Run;
                try
                {
                    await ReloadAsync(run, _loaded is null, _disposed.Token);
                    Problem = null;
                }
                catch (LoomException e) { Problem = e; }
                catch (OperationCanceledException) when (_disposed.IsCancellationRequested) { return; }
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
}
