namespace Loom.Core.Identity;

/// <summary>Who a token speaks for: a person or script (user), one agent, or one submitted run and its descendants.</summary>
public static class TokenKinds
{
    public const string User = "user";
    public const string Agent = "agent";
    public const string Run = "run";
}
