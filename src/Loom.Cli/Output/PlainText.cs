using System.Text;

namespace Loom.Cli.Output;

/// <summary>Renders tables and details as aligned plain text, for pipes and files.</summary>
internal static class PlainText
{
    public static string Table(TableView table)
    {
        var widths = table.Columns.Select(c => c.Length).ToArray();
        foreach (var row in table.Rows)
            for (var i = 0; i < widths.Length && i < row.Count; i++)
                widths[i] = Math.Max(widths[i], OneLine(row[i]).Length);
        var text = new StringBuilder();
        if (table.Title is not null) text.Append(table.Title).Append(':').AppendLine();
        AppendRow(text, table.Columns.Select(c => c.ToUpperInvariant()).ToList(), widths);
        foreach (var row in table.Rows) AppendRow(text, row, widths);
        return text.ToString();
    }

    public static string Details(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var width = fields.Count == 0 ? 0 : fields.Max(f => f.Key.Length) + 1;
        var text = new StringBuilder();
        foreach (var (name, value) in fields)
            text.Append((name + ":").PadRight(width)).Append(' ').Append(OneLine(value)).AppendLine();
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, IReadOnlyList<string> cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Count ? OneLine(cells[i]) : "";
            line.Append(i == widths.Length - 1 ? cell : cell.PadRight(widths[i] + 2));
        }
        text.Append(line.ToString().TrimEnd()).AppendLine();
    }

    // A newline inside a cell would break the column layout scripts split on.
    private static string OneLine(string value) => value.Replace("\r", "", StringComparison.Ordinal).Replace('\n', ' ');
}
