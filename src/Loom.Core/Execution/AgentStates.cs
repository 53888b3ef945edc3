namespace Loom.Core.Execution;

/// <summary>
/// The states an agent row goes through. Starting (a local agent launched, not yet heard from), idle and busy are the
/// live ones; retiring agents finish what they run and exit; lost ones missed their lease; left ones exited cleanly.
/// </summary>
public static class AgentStates
{
    public const string Starting = "starting";
    public const string Idle = "idle";
    public const string Busy = "busy";
    public const string Retiring = "retiring";
    public const string Lost = "lost";
    public const string Left = "left";

    public static bool IsGone(string state) => state is Lost or Left;
}
