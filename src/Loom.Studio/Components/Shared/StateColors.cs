using Loom.Contracts;
using MudBlazor;

namespace Loom.Studio.Components.Shared;

/// <summary>One colour language for node and deployment states (runs have <see cref="RunStatusStyle"/>): green is done or serving, blue is at work, red needs a look.</summary>
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

    public static Color Deployment(string state) => state switch
    {
        DeploymentStates.Succeeded => Color.Success,
        DeploymentStates.Updating => Color.Info,
        DeploymentStates.Failed => Color.Error,
        _ => Color.Default,
    };
}
