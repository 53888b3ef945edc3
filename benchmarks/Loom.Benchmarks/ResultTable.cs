using Spectre.Console;

namespace Loom.Benchmarks;

/// <summary>Collects rows as the benchmarks run (echoing each one) and prints them as one table at the end.</summary>
public sealed class ResultTable
{
    private readonly List<ResultRow> _rows = [];

    public void Add(string provider, string name, double? value, string unit, Aim? aim = null, string note = "")
    {
        var row = new ResultRow(provider, name, value, unit, aim, note);
        _rows.Add(row);
        Progress.Say($"{provider,-10} {name}: {row.Figure} {row.RatioText} {note}");
    }

    public void Fail(string provider, string name, string unit, Aim? aim, Exception error) =>
        Add(provider, name, null, unit, aim, "failed: " + Progress.Short(error));

    public void Print(string title)
    {
        // Redirected output would wrap at 80 columns; a report reads better unwrapped.
        AnsiConsole.Console.Profile.Width = Math.Max(AnsiConsole.Console.Profile.Width, 220);
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumn("Provider");
        table.AddColumn("Measure");
        table.AddColumn(new TableColumn("Figure").RightAligned());
        table.AddColumn("Aim");
        table.AddColumn("Ratio");
        table.AddColumn("Notes");
        foreach (var r in _rows)
            table.AddRow(Markup.Escape(r.Provider), Markup.Escape(r.Name), Markup.Escape(r.Figure),
                Markup.Escape(r.Aim?.ToString() ?? ""), Markup.Escape(r.RatioText), Markup.Escape(r.Note));
        AnsiConsole.Write(table);
    }
}
