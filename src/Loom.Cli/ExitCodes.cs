namespace Loom.Cli;

/// <summary>The exit codes of every command.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The operation failed: the API answered with a problem, or the server could not be reached.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong: a parse error or a bad option value.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted (Ctrl+C), as shells report a SIGINT.</summary>
    public const int Canceled = 130;
}
