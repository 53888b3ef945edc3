using Microsoft.AspNetCore.Components;

namespace Loom.Studio.Components.Shared;

/// <summary>
/// A component that shows live data: once <see cref="StartRefreshing"/> is called it runs <see cref="RefreshAsync"/> on its renderer every
/// interval and renders again, until it is disposed. A refresh that throws goes to the page's error boundary, as a first load's would.
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    private Poller? _poller;

    /// <summary>The server's clock, which the refreshes keep time by.</summary>
    [Inject] protected TimeProvider Time { get; set; } = default!;

    /// <summary>Reads what the component shows again; cancelled when the component goes away.</summary>
    protected abstract Task RefreshAsync(CancellationToken cancellationToken);

    protected void StartRefreshing(TimeSpan every) => _poller ??= Poller.Start(every, Time, token => InvokeAsync(async () =>
    {
        try
        {
            await RefreshAsync(token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await DispatchExceptionAsync(e);
            return;
        }
        StateHasChanged();
    }));

    public void Dispose()
    {
        _poller?.Dispose();
        GC.SuppressFinalize(this);
    }
}
