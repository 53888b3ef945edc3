using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Store;

/// <summary>Reads runs back as <see cref="RunDto"/>s: the run rows, then their params, tags, properties and latest metrics in two batched queries.</summary>
internal static class RunRows
{
    public const string Columns =
        "r.seq, r.id, w.name AS workspace, r.experiment, r.display_name, r.description, r.parent_id, r.root_id, r.status, " +
        "r.created_ms, r.start_ms, r.end_ms, r.error, r.status_history";
    public const string From = "runs r JOIN workspaces w ON w.id = r.workspace_id";

    public const string Param = "p", Tag = "t", Property = "r";

    public static async Task<List<RunDto>> LoadAsync(SqlDialect dialect, DbConnection c, DbTransaction? t, IReadOnlyList<RunRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return [];
        var seqs = rows.Select(r => r.Seq).ToArray();
        var values = await c.Query<ValueRow>(t, $"SELECT run_seq, kind, key, value FROM run_values WHERE {dialect.AnyOf("run_seq", "@seqs")}", new { seqs }, ct);
        var metrics = await c.Query<MetricRow>(t,
            $"SELECT run_seq, name, last_json FROM metrics WHERE {dialect.AnyOf("run_seq", "@seqs")} AND kind = 'scalar'", new { seqs }, ct);
        var valuesByRun = values.ToLookup(v => v.RunSeq);
        var metricsByRun = metrics.ToLookup(m => m.RunSeq);
        return rows.Select(r => r.ToDto(valuesByRun[r.Seq], metricsByRun[r.Seq])).ToList();
    }

    public static double ParseScalar(string json) => json.Length > 0 && json[0] == '"'
        ? json switch { "\"NaN\"" => double.NaN, "\"Infinity\"" => double.PositiveInfinity, _ => double.NegativeInfinity }
        : double.Parse(json, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static string ScalarJson(double value) => double.IsFinite(value)
        ? value.ToString("R", CultureInfo.InvariantCulture)
        : double.IsNaN(value) ? "\"NaN\"" : value > 0 ? "\"Infinity\"" : "\"-Infinity\"";

    internal sealed class RunRow
    {
        public long Seq { get; set; }
        public string Id { get; set; } = "";
        public string Workspace { get; set; } = "";
        public string Experiment { get; set; } = "";
        public string? DisplayName { get; set; }
        public string? Description { get; set; }
        public string? ParentId { get; set; }
        public string RootId { get; set; } = "";
        public string Status { get; set; } = "";
        public long CreatedMs { get; set; }
        public long? StartMs { get; set; }
        public long? EndMs { get; set; }
        public string? Error { get; set; }
        public string StatusHistory { get; set; } = "[]";

        public RunDto ToDto(IEnumerable<ValueRow> values, IEnumerable<MetricRow> metrics)
        {
            Dictionary<string, string> @params = [], tags = [], properties = [];
            foreach (var v in values)
                (v.Kind == Param ? @params : v.Kind == Tag ? tags : properties)[v.Key] = v.Value;
            var latest = metrics.ToDictionary(m => m.Name, m => ParseScalar(m.LastJson));
            return new RunDto(Id, Workspace, Experiment, DisplayName, Description, ParentId, RootId, Enum.Parse<RunStatus>(Status),
                Times.FromMs(CreatedMs), Times.FromMs(StartMs), Times.FromMs(EndMs),
                JsonSerializer.Deserialize<List<StatusChange>>(StatusHistory, LoomJson.Options) ?? [], Error,
                @params, tags, properties, latest);
        }
    }

    internal sealed class ValueRow
    {
        public long RunSeq { get; set; }
        public string Kind { get; set; } = "";
        public string Key { get; set; } = "";
        public string Value { get; set; } = "";
    }

    internal sealed class MetricRow
    {
        public long RunSeq { get; set; }
        public string Name { get; set; } = "";
        public string LastJson { get; set; } = "";
    }
}
