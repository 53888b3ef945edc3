using System.Diagnostics;

namespace Loom.Benchmarks;

/// <summary>Progress lines on standard error, stamped with the time since the benchmark started, so the table stays clean on standard output.</summary>
public static class Progress
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Say(string message) => Console.Error.WriteLine($"[{Clock.Elapsed:mm\\:ss}] {message}");

    /// <summary>The first line of an error's message, for a table cell.</summary>
    public static string Short(Exception error)
    {
        var message = error.GetBaseException().Message.ReplaceLineEndings(" ");
        return message.Length > 160 ? message[..160] + "…" : message;
    }
}
