namespace Loom.Cli.Output;

/// <summary>
/// Everything a command prints goes through here, so tests can capture it and the terminal/pipe decision
/// (colors, tables, progress bars or plain text) is made in one place.
/// </summary>
public interface IConsoleOutput
{
    /// <summary>Whether standard output is a terminal (live widgets and colors allowed).</summary>
    bool IsInteractive { get; }

    /// <summary>Writes a value as indented JSON with the API's conventions.</summary>
    void WriteJson<T>(T value);

    void WriteTable(TableView table);

    /// <summary>Writes name/value pairs, one per line.</summary>
    void WriteDetails(IReadOnlyList<KeyValuePair<string, string>> fields);

    /// <summary>Writes text as it is (log contents), without a newline.</summary>
    void Write(string text);

    void WriteLine(string text);

    /// <summary>Writes a line to standard error.</summary>
    void WriteError(string text);

    /// <summary>Runs transfers under progress bars on a terminal, and without any elsewhere.</summary>
    Task RunTransfersAsync(Func<ITransferReporter, Task> work);
}
