using System.Globalization;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Tracking;

namespace Loom.Studio.Components.Pages.Runs;

/// <summary>
/// A non-scalar metric laid out as a table: <c>row</c> metrics one row per logged row, a <c>table</c> metric its latest
/// logged table, a <c>list</c> metric one row per logged list.
/// </summary>
public sealed record MetricTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows, string? Note)
{
    /// <summary>Rows a page reads of one metric; more are a download (the REST API) away.</summary>
    public const int MaxRows = 1000;

    public static MetricTable From(string kind, IReadOnlyList<StoredRow> rows, long loggedCount)
    {
        var more = loggedCount > rows.Count ? $"The first {rows.Count:N0} of {loggedCount:N0} logged values." : null;
        return kind switch
        {
            MetricKinds.Table => LatestTable(rows, loggedCount),
            MetricKinds.List => new MetricTable(["step", "values"],
                rows.Select(r => (IReadOnlyList<string>)[r.Step.ToString(CultureInfo.InvariantCulture), ListText(r.Json)]).ToList(), more),
            _ => RowTable(rows, more),
        };
    }

    private static MetricTable RowTable(IReadOnlyList<StoredRow> rows, string? note)
    {
        var columns = new List<string>();
        var cells = new List<Dictionary<string, string>>();
        foreach (var row in rows)
        {
            using var json = JsonDocument.Parse(row.Json);
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (!columns.Contains(property.Name)) columns.Add(property.Name);
                values[property.Name] = Cell(property.Value);
            }
            values["\0step"] = row.Step.ToString(CultureInfo.InvariantCulture);
            cells.Add(values);
        }
        return new MetricTable(["step", .. columns],
            cells.Select(v => (IReadOnlyList<string>)[v["\0step"], .. columns.Select(c => v.GetValueOrDefault(c, ""))]).ToList(), note);
    }

    private static MetricTable LatestTable(IReadOnlyList<StoredRow> rows, long loggedCount)
    {
        if (rows.Count == 0) return new MetricTable([], [], null);
        var latest = rows[^1];
        using var json = JsonDocument.Parse(latest.Json);
        var columns = json.RootElement.EnumerateObject().Select(p => (p.Name, Values: p.Value.EnumerateArray().Select(Cell).ToList())).ToList();
        var height = columns.Count == 0 ? 0 : columns.Max(c => c.Values.Count);
        var table = Enumerable.Range(0, height)
            .Select(i => (IReadOnlyList<string>)columns.Select(c => i < c.Values.Count ? c.Values[i] : "").ToList()).ToList();
        var note = loggedCount > 1 ? $"The table logged at step {latest.Step} (the latest of {loggedCount:N0} logged)." : null;
        return new MetricTable(columns.Select(c => c.Name).ToList(), table, note);
    }

    private static string ListText(string json)
    {
        using var document = JsonDocument.Parse(json);
        return string.Join(", ", document.RootElement.EnumerateArray().Select(Cell));
    }

    public static string Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };
}
