namespace Loom.Studio.Components.Charts;

/// <summary>The colours of chart lines, in order, so that a run keeps one colour across every chart and legend of a page.</summary>
public static class ChartColors
{
    private static readonly string[] Palette =
        ["#3b5bdb", "#f08c00", "#2f9e44", "#e03131", "#7048e8", "#0c8599", "#d6336c", "#5c940d", "#1098ad", "#868e96"];

    public static string At(int index) => Palette[index % Palette.Length];
}
