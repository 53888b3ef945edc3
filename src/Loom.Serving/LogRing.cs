namespace Loom.Serving;

/// <summary>The last lines of a deployment's output (worker stderr and the host's own notes), oldest dropped first.</summary>
internal sealed class LogRing(int capacity)
{
    private readonly string[] lines = new string[capacity];
    private readonly Lock gate = new();
    private long written;

    public void Add(string line)
    {
        lock (gate) lines[written++ % lines.Length] = line;
    }

    /// <summary>The last <paramref name="maxLines"/> lines, oldest first.</summary>
    public IReadOnlyList<string> Tail(int maxLines)
    {
        lock (gate)
        {
            var count = (int)Math.Min(Math.Min(written, lines.Length), Math.Max(0, maxLines));
            var result = new string[count];
            for (var i = 0; i < count; i++) result[i] = lines[(written - count + i) % lines.Length];
            return result;
        }
    }
}
