using System.Globalization;
using System.Text;

namespace Loom.Serving.Workers;

/// <summary>
/// Reads lines like <see cref="TextReader.ReadLineAsync()"/>, but keeps at most <c>maxChars</c> of each: the rest of a
/// longer line is skipped as it streams by (never held in memory) and noted at the cut.
/// </summary>
internal sealed class LineReader(TextReader reader, int maxChars)
{
    private readonly char[] buffer = new char[4096];
    private readonly StringBuilder line = new();
    private int start;
    private int end;
    private bool ended;

    /// <summary>The next line without its line break, or null at the end of the input.</summary>
    public async ValueTask<string?> ReadLineAsync()
    {
        line.Clear();
        long dropped = 0;
        var any = false;
        while (true)
        {
            if (start == end)
            {
                if (ended) break;
                start = 0;
                end = await reader.ReadAsync(buffer.AsMemory());
                if (end == 0)
                {
                    ended = true;
                    break;
                }
            }
            any = true;
            var span = buffer.AsSpan(start, end - start);
            var newline = span.IndexOf('\n');
            var chunk = newline >= 0 ? span[..newline] : span;
            var room = maxChars - line.Length;
            if (chunk.Length <= room)
            {
                line.Append(chunk);
            }
            else
            {
                line.Append(chunk[..room]);
                dropped += chunk.Length - room;
            }
            if (newline >= 0)
            {
                start += newline + 1;
                return Finish(dropped);
            }
            start = end;
        }
        return any ? Finish(dropped) : null;
    }

    private string Finish(long dropped)
    {
        if (dropped == 0 && line.Length > 0 && line[^1] == '\r') line.Length--;
        if (dropped > 0) line.Append(CultureInfo.InvariantCulture, $" ... [line cut: {dropped} more characters]");
        return line.ToString();
    }
}
