using MudBlazor;

namespace Loom.Studio.Components.Layout;

/// <summary>The Studio's colours and type: MudBlazor's defaults with Loom's palette.</summary>
public static class StudioTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3b5bdb",
            Secondary = "#0ca678",
            AppbarBackground = "#1f2937",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"] },
        },
    };
}
