using Spectre.Console;
using Spectre.Console.Rendering;

namespace Loom.Cli.Output;

/// <summary>
/// The console service: Spectre.Console tables and progress bars when standard output is a terminal,
/// plain aligned text (no colors, no live widgets) when it is redirected.
/// </summary>
public sealed class ConsoleOutput : IConsoleOutput
{
    private readonly TextWriter output;
    private readonly TextWriter error;
    private readonly IAnsiConsole? ansi;
    private readonly Lock gate = new();

    /// <summary>Writes to the given writers; <paramref name="interactive"/> picks terminal rendering.</summary>
    public ConsoleOutput(TextWriter output, TextWriter error, bool interactive)
    {
        this.output = output;
        this.error = error;
        if (interactive)
            ansi = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = AnsiSupport.Detect,
                ColorSystem = ColorSystemSupport.Detect,
                Interactive = InteractionSupport.Detect,
            });
    }

    /// <summary>The process's console, interactive when standard output is not redirected.</summary>
    public static ConsoleOutput ForConsole() => new(Console.Out, Console.Error, !Console.IsOutputRedirected);

    public bool IsInteractive => ansi is not null;

    public void WriteJson<T>(T value) => WriteLine(JsonOutput.Serialize(value));

    public void WriteTable(TableView table)
    {
        if (ansi is null)
        {
            Write(PlainText.Table(table));
            return;
        }
        var rendered = new Table().Border(TableBorder.Rounded);
        if (table.Title is not null) rendered.Title(new TableTitle(table.Title));
        foreach (var column in table.Columns) rendered.AddColumn(new TableColumn(new Text(column, new Style(decoration: Decoration.Bold))));
        // The first column is the key people copy (a run id, a name): never wrap it.
        if (table.Columns.Count > 0) rendered.Columns[0].NoWrap();
        foreach (var row in table.Rows) rendered.AddRow(row.Select(cell => (IRenderable)new Text(cell)));
        lock (gate) ansi.Write(rendered);
    }

    public void WriteDetails(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        if (ansi is null)
        {
            Write(PlainText.Details(fields));
            return;
        }
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var (name, value) in fields) grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value));
        lock (gate) ansi.Write(grid);
    }

    public void Write(string text)
    {
        lock (gate)
        {
            output.Write(text);
            output.Flush();
        }
    }

    public void WriteLine(string text) => Write(text + Environment.NewLine);

    public void WriteError(string text)
    {
        lock (gate)
        {
            error.WriteLine(text);
            error.Flush();
        }
    }

    public async Task RunTransfersAsync(Func<ITransferReporter, Task> work)
    {
        if (ansi is null)
        {
            await work(SilentTransfers.Instance);
            return;
        }
        await ansi.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(context => work(new SpectreTransfers(context)));
    }
}
