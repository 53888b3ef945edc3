using System.Globalization;
using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;

namespace Loom.Studio.Components.Charts;

/// <summary>
/// A line chart of one metric: a line per series (one run, or one per compared run), x by step or by time. Plotly draws
/// it in the browser; the chart is redrawn (Plotly.react) only when its series or axis change.
/// </summary>
public sealed partial class MetricChart
{
    private static readonly Config ChartConfig = new() { Responsive = true, DisplayLogo = false };

    private PlotlyChart? _chart;
    private IList<ITrace> _traces = [];
    private Plotly.Blazor.Layout _layout = new();
    private readonly Config _config = ChartConfig;
    private IReadOnlyList<MetricSeries>? _drawnSeries;
    private MetricAxis _drawnAxis;
    private bool _redraw;

    [Parameter, EditorRequired] public string Title { get; set; } = "";
    [Parameter, EditorRequired] public IReadOnlyList<MetricSeries> Series { get; set; } = [];
    [Parameter] public MetricAxis Axis { get; set; }
    [Parameter] public int Height { get; set; } = 300;

    /// <summary>The plot element's id; tests and scripts read its <c>data</c> through it.</summary>
    [Parameter] public string ChartId { get; set; } = "";

    protected override void OnParametersSet()
    {
        if (ReferenceEquals(Series, _drawnSeries) && Axis == _drawnAxis) return;
        _redraw = _drawnSeries is not null;
        _drawnSeries = Series;
        _drawnAxis = Axis;
        _traces = Series.Select((s, i) => (ITrace)Trace(s, Axis, s.Color ?? ChartColors.At(i))).ToList();
        _layout = LayoutFor(Title, Axis, Height, showLegend: Series.Count > 1);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_redraw || _chart is null) return;
        _redraw = false;
        await _chart.React();
    }

    public static Scatter Trace(MetricSeries series, MetricAxis axis, string color) => new()
    {
        Name = series.Label,
        Mode = series.Count == 1 ? ModeFlag.Markers : ModeFlag.Lines,
        X = axis == MetricAxis.Step
            ? series.Steps.Select(s => (object)s).ToList()
            : series.Times.Select(t => (object)t.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)).ToList(),
        // JSON has no NaN or infinities: they become gaps in the line.
        Y = series.Values.Select(v => double.IsFinite(v) ? (object)v : null!).ToList(),
        Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = color, Width = 2 },
        Marker = new Marker { Color = color, Size = 6 },
    };

    private static Plotly.Blazor.Layout LayoutFor(string title, MetricAxis axis, int height, bool showLegend) => new()
    {
        Title = new Title { Text = title, Font = new Plotly.Blazor.LayoutLib.TitleLib.Font { Size = 14 } },
        Height = height,
        Margin = new Margin { L = 56, R = 16, T = 40, B = showLegend ? 72 : 44 },
        ShowLegend = showLegend,
        Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = -0.25m }],
        HoverMode = HoverModeEnum.Closest,
        XAxis = [new XAxis
        {
            Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = axis == MetricAxis.Step ? "step" : "time (UTC)" },
            Type = axis == MetricAxis.Step ? Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Linear : Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Date,
        }],
        PaperBgColor = "rgba(0,0,0,0)",
    };
}
