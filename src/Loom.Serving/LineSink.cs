using System.Text;

namespace Loom.Serving;

/// <summary>Turns a byte stream (an environment build's output) into lines for the deployment's log.</summary>
internal sealed class LineSink(Action<string> line)
{
    private readonly Decoder decoder = new UTF8Encoding(false).GetDecoder();
    private readonly StringBuilder pending = new();
    private readonly Lock gate = new();

    public void Write(ReadOnlyMemory<byte> data)
    {
        lock (gate)
        {
            var chars = new char[decoder.GetCharCount(data.Span, flush: false)];
            decoder.GetChars(data.Span, chars, flush: false);
            foreach (var c in chars)
            {
                if (c == '\n')
                {
                    line(pending.ToString().TrimEnd('\r'));
                    pending.Clear();
                }
                else
                {
                    pending.Append(c);
                }
            }
        }
    }

    public void Flush()
    {
        lock (gate)
        {
            if (pending.Length > 0) line(pending.ToString());
            pending.Clear();
        }
    }
}
