namespace Loom.Cli.Output;

/// <summary>A table as data, so the console service decides how it is drawn (box table or plain columns).</summary>
public sealed record TableView(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows, string? Title = null);
