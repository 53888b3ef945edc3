using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using Loom.Core.Tracking;

namespace Loom.Store;

public sealed partial class SqlRunStore
{
    public async Task<(IReadOnlyList<Loom.Contracts.RunDto> Runs, PageCursor? Next)> ListAsync(long workspaceId, RunQuery query, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var page = await ReadKeysAsync(c, workspaceId, query, query.PageSize + 1, cancellationToken);
        var more = page.Count > query.PageSize;
        if (more) page.RemoveAt(page.Count - 1);
        var seqs = page.Select(SeqOf).ToArray();
        var rows = seqs.Length == 0 ? [] : await c.Query<RunRows.RunRow>(null,
            $"SELECT {RunRows.Columns} FROM {RunRows.From} WHERE {db.Dialect.AnyOf("r.seq", "@seqs")}", new { seqs }, cancellationToken);
        var bySeq = (await RunRows.LoadAsync(db.Dialect, c, null, rows, cancellationToken)).Zip(rows).ToDictionary(p => p.Second.Seq, p => p.First);
        var runs = seqs.Select(s => bySeq[s]).ToList();
        return (runs, more ? CursorAfter(page[^1], query) : null);
    }

    public async Task<long> CountAsync(long workspaceId, RunQuery query, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var sql = RunListSql.Count(db.Dialect, query, workspaceId);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(sql.Text, sql.Parameters, cancellationToken: cancellationToken));
    }

    public async Task<PageCursor?> SkipAsync(long workspaceId, RunQuery query, int count, CancellationToken cancellationToken)
    {
        if (count <= 0) return query.After;
        await using var c = await db.OpenAsync(cancellationToken);
        // Only the row where the skip lands is read (OFFSET walks the index without returning what it passes); the phases
        // are those of ReadKeysAsync, so the skip lands exactly where reading the runs would.
        if (query.Order[0].Field.Kind == FieldKind.Attribute)
            return await BoundaryAsync(c, workspaceId, query, KeyPhase.All, count - 1, cancellationToken) is { } row ? CursorAfter(row, query) : null;
        var present = 0;
        if (query.After is not { } after || after.Values[0] is not null)
        {
            if (await BoundaryAsync(c, workspaceId, query, KeyPhase.Present, count - 1, cancellationToken) is { } row) return CursorAfter(row, query);
            var sql = RunListSql.Page(db.Dialect, query, workspaceId, KeyPhase.Present, count);
            present = (int)await c.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM ({sql.Text}) p", sql.Parameters,
                cancellationToken: cancellationToken));
        }
        return await BoundaryAsync(c, workspaceId, query, KeyPhase.Missing, count - present - 1, cancellationToken) is { } missing
            ? CursorAfter(missing, query)
            : null;
    }

    /// <summary>The sequence number and sort keys of the run <paramref name="offset"/> rows into a phase of a query; null past its end.</summary>
    private async Task<IDictionary<string, object?>?> BoundaryAsync(DbConnection c, long workspaceId, RunQuery query, KeyPhase phase, int offset,
        CancellationToken cancellationToken)
    {
        var sql = RunListSql.Page(db.Dialect, query, workspaceId, phase, 1, offset);
        return (await c.QueryAsync(new CommandDefinition(sql.Text, sql.Parameters, cancellationToken: cancellationToken)))
            .Cast<IDictionary<string, object?>>().FirstOrDefault();
    }

    public async Task<IReadOnlyList<Loom.Contracts.RunDto>> GetManyAsync(long workspaceId, IReadOnlyCollection<string> runIds, CancellationToken cancellationToken)
    {
        if (runIds.Count == 0) return [];
        await using var c = await db.OpenAsync(cancellationToken);
        var ids = runIds.Distinct().ToArray();
        var rows = await c.Query<RunRows.RunRow>(null,
            $"SELECT {RunRows.Columns} FROM {RunRows.From} WHERE r.workspace_id = @workspaceId AND {db.Dialect.AnyOf("r.id", "@ids")}",
            new { workspaceId, ids }, cancellationToken);
        return await RunRows.LoadAsync(db.Dialect, c, null, rows, cancellationToken);
    }

    /// <summary>The sequence numbers and sort keys of the next <paramref name="limit"/> runs of a query, in its order.</summary>
    private async Task<List<IDictionary<string, object?>>> ReadKeysAsync(DbConnection c, long workspaceId, RunQuery query, int limit, CancellationToken cancellationToken)
    {
        async Task<List<IDictionary<string, object?>>> Page(KeyPhase phase, int rows)
        {
            var sql = RunListSql.Page(db.Dialect, query, workspaceId, phase, rows);
            return (await c.QueryAsync(new CommandDefinition(sql.Text, sql.Parameters, cancellationToken: cancellationToken)))
                .Cast<IDictionary<string, object?>>().ToList();
        }
        if (query.Order[0].Field.Kind == FieldKind.Attribute) return await Page(KeyPhase.All, limit);
        // Runs that have the first sort key, then those without it: each half is a plain join the
        // planner can walk in index order, where one query with "missing last" makes it sort everything.
        var page = query.After is { } after && after.Values[0] is null ? [] : await Page(KeyPhase.Present, limit);
        if (page.Count < limit) page.AddRange(await Page(KeyPhase.Missing, limit - page.Count));
        return page;
    }

    private static long SeqOf(IDictionary<string, object?> row) => Convert.ToInt64(row["seq"], CultureInfo.InvariantCulture);

    private static PageCursor CursorAfter(IDictionary<string, object?> row, RunQuery query) =>
        new(Enumerable.Range(0, query.Order.Count).Select(i => Normalize(row[$"k{i}"])).ToList(), SeqOf(row));

    private static object? Normalize(object? value) => value switch
    {
        null or DBNull => null,
        string s => s,
        _ => Convert.ToDouble(value, CultureInfo.InvariantCulture),
    };

    /// <summary>Which runs a query reads with respect to the first sort key.</summary>
    private enum KeyPhase { All, Present, Missing }

    /// <summary>
    /// Builds the keyset-paged run search: joins one row per metric/param/tag/property named, filters,
    /// orders with missing values last, and continues after the cursor.
    /// </summary>
    private sealed class RunListSql
    {
        private readonly SqlDialect _dialect;
        private readonly StringBuilder _joins = new();
        private readonly List<string> _where = [];
        private readonly Dictionary<FieldRef, string> _fieldSql = [];

        public DynamicParameters Parameters { get; } = new();
        public string Text { get; private set; } = "";

        public static RunListSql Page(SqlDialect dialect, RunQuery query, long workspaceId, KeyPhase phase, int limit, int offset = 0)
        {
            var sql = new RunListSql(dialect, query, workspaceId);
            sql.Text = sql.PageText(query, phase, limit) + (offset > 0 ? $" OFFSET {offset}" : "");
            return sql;
        }

        /// <summary>How many runs the query matches, whatever its order and cursor.</summary>
        public static RunListSql Count(SqlDialect dialect, RunQuery query, long workspaceId)
        {
            var sql = new RunListSql(dialect, query, workspaceId);
            sql.Text = $"SELECT COUNT(*) FROM runs r{sql._joins} WHERE {string.Join(" AND ", sql._where)}";
            return sql;
        }

        private RunListSql(SqlDialect dialect, RunQuery query, long workspaceId)
        {
            _dialect = dialect;
            _where.Add($"r.workspace_id = {Param(workspaceId)}");
            if (query.Experiment is not null) _where.Add($"r.experiment = {Param(query.Experiment)}");
            if (query.ParentRunId is not null) _where.Add($"r.parent_id = {Param(query.ParentRunId)}");
            if (query.TopLevelOnly) _where.Add("r.parent_seq IS NULL");
            foreach (var clause in query.Filters) _where.Add(Filter(clause));
        }

        private string PageText(RunQuery query, KeyPhase phase, int limit)
        {
            var keys = query.Order.Select(k => (Sql: Field(k.Field), k.Descending)).ToList();
            if (query.After is { } after) _where.Add(After(keys, after));
            if (phase == KeyPhase.Present) _where.Add($"{keys[0].Sql} IS NOT NULL");
            if (phase == KeyPhase.Missing) _where.Add($"{keys[0].Sql} IS NULL");
            var select = string.Concat(keys.Select((k, i) => $", {k.Sql} AS k{i}"));
            // "Missing last" is spelled out only where a key can be missing: a bare column lets the planner walk an index
            // in order (the default, newest first) instead of sorting the experiment.
            var order = string.Join(", ", keys.Select((k, i) => (phase != KeyPhase.All && i == 0 || NeverNull(query.Order[i].Field) ? "" : $"({k.Sql} IS NULL), ")
                + $"{k.Sql} {(k.Descending ? "DESC" : "ASC")}"));
            return $"SELECT r.seq{select} FROM runs r{_joins} WHERE {string.Join(" AND ", _where)} ORDER BY {order}, r.seq DESC LIMIT {limit}";
        }

        private static bool NeverNull(FieldRef field) => field is { Kind: FieldKind.Attribute, Name: "createdTime" or "status" or "experiment" };

        private string Filter(FilterClause clause)
        {
            var field = Field(clause.Field);
            var numeric = clause.Field.IsNumeric || clause.Values.Any(v => v.Number is not null);
            var expression = numeric && !clause.Field.IsNumeric ? _dialect.NumberOf(field) : field;
            var values = clause.Values.Select(v => Param(ValueOf(clause.Field, v, numeric))).ToList();
            return clause.Op switch
            {
                FilterOp.Eq => $"{expression} = {values[0]}",
                FilterOp.Ne => $"{expression} <> {values[0]}",
                FilterOp.Lt => $"{expression} < {values[0]}",
                FilterOp.Le => $"{expression} <= {values[0]}",
                FilterOp.Gt => $"{expression} > {values[0]}",
                FilterOp.Ge => $"{expression} >= {values[0]}",
                _ => $"{expression} IN ({string.Join(", ", values)})",
            };
        }

        private static object ValueOf(FieldRef field, FilterValue value, bool numeric)
        {
            if (field.IsTime && value.Text is not null)
                return DateTimeOffset.Parse(value.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds();
            if (numeric) return value.Number ?? double.Parse(value.Text!, CultureInfo.InvariantCulture);
            return value.Text!;
        }

        /// <summary>Rows after the cursor in the sort order, where NULLs sort last and r.seq breaks ties (descending).</summary>
        private string After(List<(string Sql, bool Descending)> keys, PageCursor after)
        {
            var alternatives = new List<string>();
            var equalSoFar = new List<string>();
            for (var i = 0; i < keys.Count; i++)
            {
                var (sql, descending) = keys[i];
                var value = after.Values[i];
                if (value is not null)
                {
                    var p = Param(value);
                    alternatives.Add(string.Join(" AND ", equalSoFar.Append($"({sql} {(descending ? "<" : ">")} {p} OR {sql} IS NULL)")));
                    equalSoFar.Add($"{sql} = {p}");
                }
                else equalSoFar.Add($"{sql} IS NULL");
            }
            alternatives.Add(string.Join(" AND ", equalSoFar.Append($"r.seq < {Param(after.Seq)}")));
            return "(" + string.Join(" OR ", alternatives.Select(a => $"({a})")) + ")";
        }

        private string Field(FieldRef field)
        {
            if (_fieldSql.TryGetValue(field, out var known)) return known;
            var alias = $"j{_fieldSql.Count}";
            var sql = field.Kind switch
            {
                FieldKind.Attribute => field.Name switch
                {
                    "status" => "r.status",
                    "experiment" => "r.experiment",
                    "displayName" => "r.display_name",
                    "parentRunId" => "r.parent_id",
                    "startTime" => "r.start_ms",
                    "endTime" => "r.end_ms",
                    _ => "r.created_ms",
                },
                FieldKind.Metric => Join(alias, $"metrics {alias} ON {alias}.run_seq = r.seq AND {alias}.kind = 'scalar' AND {alias}.name = {Param(field.Name)}", "last_value"),
                _ => Join(alias, $"run_values {alias} ON {alias}.run_seq = r.seq AND {alias}.kind = '{KindOf(field.Kind)}' AND {alias}.key = {Param(field.Name)}", "value"),
            };
            _fieldSql[field] = sql;
            return sql;
        }

        private string Join(string alias, string join, string column)
        {
            _joins.Append(" LEFT JOIN ").Append(join);
            return $"{alias}.{column}";
        }

        private static string KindOf(FieldKind kind) => kind switch
        {
            FieldKind.Param => RunRows.Param,
            FieldKind.Tag => RunRows.Tag,
            _ => RunRows.Property,
        };

        private string Param(object value)
        {
            var name = $"@q{Parameters.ParameterNames.Count()}";
            Parameters.Add(name[1..], value);
            return name;
        }
    }
}
