using Loom.Contracts;
using MudBlazor;

namespace Loom.Studio.Components.Pages.Endpoints.Parts;

/// <summary>One colour language for states across the Studio's compute and serving pages: green is done or serving, blue is at work, red needs a look.</summary>
public static class StateColors
{
    public static Color Node(string state) => state switch
    {
        NodeStates.Busy => Color.Primary,
        NodeStates.Idle => Color.Success,
        NodeStates.Starting => Color.Info,
        NodeStates.Lost => Color.Error,
        _ => Color.Default,
    };

    public static Color Run(RunStatus status) => status switch
    {
        RunStatus.Completed => Color.Success,
        RunStatus.Failed => Color.Error,
        RunStatus.Canceled or RunStatus.CancelRequested => Color.Warning,
        RunStatus.Queued or RunStatus.NotStarted => Color.Default,
        _ => Color.Primary,
    };

    public static Color Deployment(string state) => state switch
    {
        DeploymentStates.Succeeded => Color.Success,
        DeploymentStates.Updating => Color.Info,
        DeploymentStates.Failed => Color.Error,
        _ => Color.Default,
    };
}
