using Loom.Contracts;
using MudBlazor;

namespace Loom.Studio.Components.Shared;

/// <summary>How a run status looks (label, colour, icon) and whether the run can still change, on every page that shows one.</summary>
public static class RunStatusStyle
{
    public static string Label(RunStatus status) => status switch
    {
        RunStatus.CancelRequested => "Canceling",
        RunStatus.NotStarted => "Not started",
        _ => status.ToString(),
    };

    public static Color ColorOf(RunStatus status) => status switch
    {
        RunStatus.Completed => Color.Success,
        RunStatus.Failed => Color.Error,
        RunStatus.Canceled or RunStatus.CancelRequested => Color.Warning,
        RunStatus.Running or RunStatus.Finalizing => Color.Info,
        _ => Color.Default,
    };

    public static string IconOf(RunStatus status) => status switch
    {
        RunStatus.Completed => Icons.Material.Filled.CheckCircle,
        RunStatus.Failed => Icons.Material.Filled.Error,
        RunStatus.Canceled => Icons.Material.Filled.Cancel,
        RunStatus.CancelRequested => Icons.Material.Filled.HourglassTop,
        RunStatus.Running or RunStatus.Finalizing => Icons.Material.Filled.PlayCircle,
        _ => Icons.Material.Filled.Schedule,
    };

    /// <summary>A run that has not ended: its page keeps polling and may offer to cancel it.</summary>
    public static bool IsLive(RunStatus status) => !status.IsTerminal();

    /// <summary>A live run that a cancel can still reach (one asked to cancel is already on its way).</summary>
    public static bool CanCancel(RunStatus status) => IsLive(status) && status != RunStatus.CancelRequested;
}
