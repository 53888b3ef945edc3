using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ParCoordsLib;

namespace Loom.Studio.Components.Charts;

/// <summary>
/// A Plotly parallel-coordinates chart: one vertical axis per dimension, one line per item, coloured by the last
/// dimension (the metric being explained).
/// </summary>
public sealed partial class ParallelCoordinatesChart
{
    private PlotlyChart? _chart;
    private IList<ITrace> _traces = [];
    private Plotly.Blazor.Layout _layout = new();
    private readonly Config _config = new() { Responsive = true, DisplayLogo = false };
    private IReadOnlyList<ParallelDimension>? _drawn;
    private bool _redraw;

    [Parameter, EditorRequired] public IReadOnlyList<ParallelDimension> Dimensions { get; set; } = [];
    [Parameter] public string ChartId { get; set; } = "parcoords";
    [Parameter] public int Height { get; set; } = 380;

    protected override void OnParametersSet()
    {
        if (ReferenceEquals(Dimensions, _drawn)) return;
        _redraw = _drawn is not null;
        _drawn = Dimensions;
        _traces = [Trace(Dimensions)];
        _layout = new Plotly.Blazor.Layout { Height = Height, Margin = new Margin { L = 72, R = 120, T = 64, B = 32 }, PaperBgColor = "rgba(0,0,0,0)" };
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_redraw || _chart is null) return;
        _redraw = false;
        await _chart.React();
    }

    public static ParCoords Trace(IReadOnlyList<ParallelDimension> dimensions) => new()
    {
        Dimensions = dimensions.Select(Dimension).ToList(),
        Line = new Plotly.Blazor.Traces.ParCoordsLib.Line
        {
            Color = dimensions.Count == 0 ? null : dimensions[^1].Values.ToArray(),
            ColorScale = "Viridis",
            ShowScale = true,
        },
    };

    private static Dimension Dimension(ParallelDimension d)
    {
        var dimension = new Dimension { Label = d.Label, Values = d.Values.Select(v => (object)v).ToList() };
        if (d.Categories is { } categories)
        {
            dimension.TickVals = Enumerable.Range(0, categories.Count).Select(i => (object)i).ToList();
            dimension.TickText = categories.Select(c => (object)c).ToList();
            // A single category would make an axis of zero height; give it room around its one tick.
            dimension.Range = categories.Count == 1 ? [-0.5, 0.5] : [0, categories.Count - 1];
        }
        return dimension;
    }
}
