using System.Text;

namespace Loom.Agent.Environments;

/// <summary>Keeps the end of a process's output, to quote its last lines in an error.</summary>
internal sealed class OutputTail(int lines)
{
    private const int MaxBytes = 16 * 1024;
    private readonly List<byte> bytes = [];

    public void Add(ReadOnlySpan<byte> data)
    {
        lock (bytes)
        {
            bytes.AddRange(data);
            if (bytes.Count > MaxBytes) bytes.RemoveRange(0, bytes.Count - MaxBytes);
        }
    }

    /// <summary>The last lines, blank ones left out.</summary>
    public string Text()
    {
        string text;
        lock (bytes) text = Encoding.UTF8.GetString([.. bytes]);
        var kept = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).TakeLast(lines);
        return string.Join('\n', kept);
    }
}
