using System.Text;

namespace Loom.Cli.Output;

/// <summary>
/// Sends text to another output's standard error, a whole line at a time, so a command whose standard output
/// carries JSON can still stream a log (<c>run submit --stream -o json</c>).
/// </summary>
internal sealed class StandardErrorOutput(IConsoleOutput inner) : IConsoleOutput
{
    private readonly StringBuilder pending = new();
    private readonly Lock gate = new();

    public bool IsInteractive => false;

    public void Write(string text)
    {
        lock (gate)
        {
            pending.Append(text);
            var all = pending.ToString();
            var last = all.LastIndexOf('\n');
            if (last < 0) return;
            foreach (var line in all[..last].Split('\n')) inner.WriteError(line.TrimEnd('\r'));
            pending.Remove(0, last + 1);
        }
    }

    public void WriteLine(string text) => Write(text + "\n");

    public void WriteError(string text) => inner.WriteError(text);

    /// <summary>Writes what is left of an unfinished last line.</summary>
    public void Flush()
    {
        lock (gate)
        {
            if (pending.Length > 0) inner.WriteError(pending.ToString());
            pending.Clear();
        }
    }

    public void WriteJson<T>(T value) => Write(JsonOutput.Serialize(value) + "\n");

    public void WriteTable(TableView table) => Write(PlainText.Table(table));

    public void WriteDetails(IReadOnlyList<KeyValuePair<string, string>> fields) => Write(PlainText.Details(fields));

    public Task RunTransfersAsync(Func<ITransferReporter, Task> work) => work(SilentTransfers.Instance);
}
