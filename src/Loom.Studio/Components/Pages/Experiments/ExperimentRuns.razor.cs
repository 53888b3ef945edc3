using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Tracking;
using Loom.Studio.Components.Shared;
using Loom.Studio.Session;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using Microsoft.Extensions.Logging;

namespace Loom.Studio.Components.Pages.Experiments;

/// <summary>
/// <c>/experiments/{name}</c>: the experiment's runs in a virtualized table read block by block from the keyset-paged run
/// search, sorted and filtered in the API's languages (kept in the address: <c>?filter=&amp;orderBy=&amp;children=</c>), with
/// chosen param and metric columns, run selection for comparison, and live runs read again every few seconds.
/// </summary>
public sealed partial class ExperimentRuns : IAsyncDisposable
{
    public const int RowHeight = 40;
    public const int MaxCompared = 10;

    private Poller? _poller;
    private readonly LatestLoad _load = new();
    private readonly List<string> _selected = [];
    private long _workspaceId;
    private ExperimentDto? _experiment;
    private LoomException? _problem;
    private string? _searchError;
    private string? _filterError;
    private string _filterText = "";
    private RunWindow? _window;
    private RunSearch? _failedSearch;
    private RunSearch? _requested;
    private RunColumns _columns = new();
    private long _total;
    private long _latestTotal;
    private (int Start, int Count) _shown;

    [Inject] private StudioSession Session { get; set; } = default!;
    [Inject] private RunService Runs { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private ILogger<ExperimentRuns> Logger { get; set; } = default!;

    [Parameter] public string Name { get; set; } = "";
    [SupplyParameterFromQuery(Name = "filter")] public string? Filter { get; set; }
    [SupplyParameterFromQuery(Name = "orderBy")] public string? OrderBy { get; set; }
    [SupplyParameterFromQuery(Name = "children")] public bool IncludeChildren { get; set; }

    /// <summary>How often runs that have not ended are read again.</summary>
    [Parameter] public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    private RunSearch Search => new(Name, Filter, OrderBy, IncludeChildren);
    private bool Filtered => !string.IsNullOrWhiteSpace(Filter);
    private IReadOnlyList<SortKey> Order => _window?.Search.Order ?? [];
    private bool CanCompare => _selected.Count is >= 2 and <= MaxCompared;

    protected override void OnInitialized() => _poller = Poller.Start(RefreshInterval, Time, _ => InvokeAsync(RefreshAsync));

    protected override async Task OnParametersSetAsync()
    {
        if (Search == _requested) return;
        await OpenAsync(Search);
    }

    /// <summary>
    /// Reads the experiment (when it changed), the count and the first block of a search, then shows its table. A search
    /// opened meanwhile (another sort clicked, another experiment) cancels this one, whose results are then dropped.
    /// </summary>
    private async Task OpenAsync(RunSearch search)
    {
        var load = _load.Start();
        _requested = search;
        _filterText = search.Filter ?? "";
        _filterError = _searchError = null;
        var sameExperiment = _experiment?.Name == search.Experiment;
        if (!sameExperiment) (_problem, _window, _experiment) = (null, null, null);
        try
        {
            var workspaceId = sameExperiment ? _workspaceId : (await Session.WorkspaceAsync(load)).Id;
            var experiment = sameExperiment ? _experiment! : await Runs.GetExperimentAsync(workspaceId, search.Experiment, load);
            RunWindow? window = null;
            IReadOnlyList<RunRow> first = [];
            long total = 0;
            string? searchError = null;
            try { window = RunWindow.Open(Runs, workspaceId, search); }
            catch (LoomException e) { searchError = e.Message; }
            if (window is not null)
            {
                var count = window.CountAsync(load);
                first = await window.ReadAsync(0, window.BlockSize, load);
                total = await count;
            }
            if (!_load.IsCurrent(load)) return;
            (_workspaceId, _experiment) = (workspaceId, experiment);
            if (!sameExperiment)
            {
                _selected.Clear();
                _columns = new RunColumns();
            }
            if (window is null)
            {
                (_searchError, _window, _failedSearch) = (searchError, null, search);
                return;
            }
            _total = _latestTotal = total;
            if (_columns.Visible.Count == RunColumns.Fixed.Count && _columns.KnownMetrics.Count + _columns.KnownParams.Count == 0)
                _columns = RunColumns.ForFirstPage(first.Select(r => r.Run), search.Order);
            else
            {
                _columns.Observe(first.Select(r => r.Run));
                ShowSortedColumn(search.Order);
            }
            (_window, _failedSearch) = (window, null);
        }
        catch (Exception) when (!_load.IsCurrent(load)) { }
        catch (LoomException e)
        {
            _problem = e;
            _experiment = null;
        }
    }

    private void ShowSortedColumn(IReadOnlyList<SortKey> order)
    {
        if (order.Count == 0) return;
        var field = order[0].Field;
        if (field.Kind == FieldKind.Metric) _columns.Show(RunColumn.Metric(field.Name));
        if (field.Kind == FieldKind.Param) _columns.Show(RunColumn.Param(field.Name));
    }

    private async ValueTask<ItemsProviderResult<RunRow>> LoadRowsAsync(ItemsProviderRequest request)
    {
        if (_window is not { } window) return new ItemsProviderResult<RunRow>([], 0);
        var rows = await window.ReadAsync(request.StartIndex, request.Count, request.CancellationToken);
        // Rows for a table already replaced go to its (disposed) view and leave this page's state alone.
        if (!ReferenceEquals(window, _window)) return new ItemsProviderResult<RunRow>(rows, rows.Count);
        _shown = (request.StartIndex, request.Count);
        var known = _columns.KnownParams.Count + _columns.KnownMetrics.Count;
        _columns.Observe(rows.Select(r => r.Run));
        if (_columns.KnownParams.Count + _columns.KnownMetrics.Count != known) StateHasChanged();
        return new ItemsProviderResult<RunRow>(rows, (int)Math.Min(_total, int.MaxValue));
    }

    private void Sort(RunColumn column) => Go(Filter, RunSorting.NextOrderBy(column, Order), IncludeChildren);

    private void ResetOrder() => Go(Filter, null, IncludeChildren);

    private void ResetSearch() => Go(null, null, IncludeChildren);

    private void ApplyFilter()
    {
        var filter = string.IsNullOrWhiteSpace(_filterText) ? null : _filterText.Trim();
        try { (Search with { Filter = filter }).Validate(); }
        catch (LoomException e)
        {
            _filterError = e.Message;
            return;
        }
        _filterError = null;
        Go(filter, OrderBy, IncludeChildren);
    }

    private void ClearFilter()
    {
        _filterText = "";
        _filterError = null;
        Go(null, OrderBy, IncludeChildren);
    }

    private async Task OnFilterKeyAsync(KeyboardEventArgs e)
    {
        if (e.Key is "Enter" or "NumpadEnter") { await Task.Yield(); ApplyFilter(); }
    }

    private void SetIncludeChildren(bool include) => Go(Filter, OrderBy, include);

    /// <summary>Sort, filter and the child-run switch live in the address, so a view can be bookmarked, shared and gone back to.</summary>
    private void Go(string? filter, string? orderBy, bool children) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["filter"] = string.IsNullOrWhiteSpace(filter) ? null : filter,
            ["orderBy"] = string.IsNullOrWhiteSpace(orderBy) ? null : orderBy,
            ["children"] = children ? "true" : null,
        }));

    private async Task ShowNewRunsAsync()
    {
        _window = null;
        await OpenAsync(Search);
    }

    private void ToggleSelected(string runId)
    {
        if (!_selected.Remove(runId)) _selected.Add(runId);
    }

    private void Compare() =>
        Navigation.NavigateTo("/compare?runs=" + string.Join(',', _selected.Select(Uri.EscapeDataString)));

    /// <summary>Reads again the live runs in view and the experiment's run count; the table keeps its scroll, sort and rows.</summary>
    private async Task RefreshAsync()
    {
        if (_window is not { } window || _experiment is not { } experiment) return;
        // The refresh belongs to the latest search: opening another cancels it, and it changes nothing once its table is gone.
        var load = _load.Token;
        try
        {
            var refreshed = await window.RefreshLiveAsync(_shown.Start, _shown.Count, load);
            var now = await Runs.GetExperimentAsync(_workspaceId, experiment.Name, load);
            var grew = now.RunCount != experiment.RunCount;
            var latestTotal = grew ? await window.CountAsync(load) : _latestTotal;
            if (!_load.IsCurrent(load) || !ReferenceEquals(window, _window)) return;
            (_experiment, _latestTotal) = (grew ? now : experiment, latestTotal);
            if (refreshed > 0 || grew) StateHasChanged();
        }
        catch (OperationCanceledException) when (load.IsCancellationRequested) { }
        catch (Exception e)
        {
            // The next tick tries again; the table keeps what it shows.
            LogRefreshFailed(Logger, e, experiment.Name);
        }
    }

    public ValueTask DisposeAsync()
    {
        _poller?.Dispose();
        _load.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 1310, Level = LogLevel.Warning, Message = "Studio: refreshing the runs of experiment {Experiment} failed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception error, string experiment);
}
