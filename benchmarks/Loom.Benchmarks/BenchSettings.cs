namespace Loom.Benchmarks;

/// <summary>How big each measurement is: the default run, or <c>--quick</c> for a smoke run of the same rows.</summary>
public sealed record BenchSettings(
    bool Quick,
    int IngestPoints,
    int SinglePointRequests,
    int PythonPoints,
    int HistoryPoints,
    int SearchRuns,
    int QueryRepeats,
    int StartRepeats)
{
    public const int Senders = 2;
    public const string Workspace = "default";

    public static BenchSettings Default { get; } = new(false, 2_000_000, 5_000, 1_000_000, 1_000_000, 100_000, 21, 3);

    public static BenchSettings QuickRun { get; } = new(true, 300_000, 1_000, 200_000, 1_000_000, 10_000, 11, 3);

    /// <summary><c>--quick</c> picks the small sizes; <c>--points N</c> overrides the points per logging row.</summary>
    public static BenchSettings FromArgs(string[] args)
    {
        var settings = args.Contains("--quick") ? QuickRun : Default;
        var points = Array.IndexOf(args, "--points");
        return points >= 0 && points + 1 < args.Length
            ? settings with { IngestPoints = int.Parse(args[points + 1], System.Globalization.CultureInfo.InvariantCulture) }
            : settings;
    }
}
