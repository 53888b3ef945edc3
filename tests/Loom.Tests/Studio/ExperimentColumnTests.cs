using Loom.Contracts;
using Loom.Core.Tracking;
using Loom.Studio.Components.Pages.Experiments;

namespace Loom.Tests.Studio;

/// <summary>The experiment table's columns, header clicks and cell formats, without a browser.</summary>
public sealed class ExperimentColumnTests
{
    private static RunDto Run(Dictionary<string, string> @params, Dictionary<string, double> metrics,
        Dictionary<string, string>? tags = null, Dictionary<string, string>? properties = null) =>
        new("r", "default", "e", null, null, null, "r", RunStatus.Running, DateTimeOffset.UnixEpoch, null, null, [], null,
            @params, tags ?? [], properties ?? [], metrics);

    [Fact]
    public void The_first_page_gives_the_most_common_params_and_metrics_capped_and_the_sorted_one()
    {
        var runs = new List<RunDto>();
        for (var i = 0; i < 20; i++)
        {
            // m00 is on every run, m19 on one: the eight most common metrics are m00..m07.
            var metrics = Enumerable.Range(0, 20).Where(m => m <= 19 - i).ToDictionary(m => $"m{m:00}", m => (double)m);
            runs.Add(Run(new() { ["lr"] = "0.1", ["depth"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }, metrics));
        }
        var columns = RunColumns.ForFirstPage(runs, RunFilterParser.ParseOrder("metrics.m19 desc"));

        var visible = columns.Visible;
        // No run of the page has a compute or a tag: those columns would hold only dashes.
        Assert.Equal([RunColumn.Status, RunColumn.Run, RunColumn.Started, RunColumn.Duration], visible.Where(c => c.Key is null));
        Assert.Equal(["depth", "lr"], visible.Where(c => c.Kind == RunColumnKind.Param).Select(c => c.Key));
        Assert.Equal([.. Enumerable.Range(0, RunColumns.DefaultPerKind).Select(m => $"m{m:00}"), "m19"],
            visible.Where(c => c.Kind == RunColumnKind.Metric).Select(c => c.Key));
        Assert.Equal(20, columns.KnownMetrics.Count);
    }

    [Fact]
    public void Columns_can_be_hidden_and_shown_except_status_and_run()
    {
        var columns = RunColumns.ForFirstPage([
            Run(new() { ["lr"] = "1" }, new() { ["acc"] = 1 }, tags: new() { ["stage"] = "dev" }),
            Run(new(), new(), properties: new() { [RunColumn.ComputeProperty] = "cpu" })], []);
        Assert.Equal(RunColumns.Fixed, columns.Visible.Take(RunColumns.Fixed.Count));
        columns.Toggle(RunColumn.Metric("acc"));
        columns.Toggle(RunColumn.Tags);
        columns.Toggle(RunColumn.Status);
        Assert.DoesNotContain(RunColumn.Metric("acc"), columns.Visible);
        Assert.DoesNotContain(RunColumn.Tags, columns.Visible);
        Assert.Contains(RunColumn.Status, columns.Visible);
        columns.Observe([Run(new(), new() { ["loss"] = 2 })]);
        Assert.Equal(["acc", "loss"], columns.KnownMetrics);
        columns.Toggle(RunColumn.Metric("loss"));
        Assert.Equal([RunColumn.Param("lr"), RunColumn.Metric("loss")], columns.Visible.Skip(RunColumns.Fixed.Count - 1));
    }

    [Fact]
    public void A_header_click_sorts_metrics_best_first_text_from_a_and_a_second_click_turns_the_direction()
    {
        var accuracy = RunColumn.Metric("accuracy");
        Assert.Equal("metrics.accuracy desc", RunSorting.NextOrderBy(accuracy, []));
        Assert.Equal("metrics.accuracy asc", RunSorting.NextOrderBy(accuracy, RunFilterParser.ParseOrder("metrics.accuracy desc")));
        Assert.Equal("metrics.accuracy desc", RunSorting.NextOrderBy(accuracy, RunFilterParser.ParseOrder("metrics.accuracy asc, startTime")));
        Assert.Equal("params.lr asc", RunSorting.NextOrderBy(RunColumn.Param("lr"), RunFilterParser.ParseOrder("metrics.accuracy desc")));
        Assert.Equal("startTime desc", RunSorting.NextOrderBy(RunColumn.Started, []));
        Assert.Equal("properties.loom.compute asc", RunSorting.NextOrderBy(RunColumn.Compute, []));
        Assert.True(RunSorting.DirectionOf(accuracy, RunFilterParser.ParseOrder("metric.accuracy DESC")));
        Assert.Null(RunSorting.DirectionOf(accuracy, RunFilterParser.ParseOrder("startTime, metrics.accuracy")));
        Assert.Null(RunColumn.Tags.Field);
        Assert.Null(RunColumn.Duration.Field);
    }

    [Theory]
    [InlineData("val loss")]
    [InlineData("a`b")]
    [InlineData("top-1/acc:x")]
    public void Any_key_is_written_so_that_the_api_parses_it_back(string key)
    {
        var order = RunFilterParser.ParseOrder(RunColumn.Metric(key).OrderBy(descending: true));
        Assert.Equal(new SortKey(new FieldRef(FieldKind.Metric, key), true), order.Single());
        var filter = RunFilterParser.ParseFilter($"{RunColumn.FieldText(new FieldRef(FieldKind.Param, key))} = 'x'");
        Assert.Equal(new FieldRef(FieldKind.Param, key), filter.Single().Field);
    }

    [Fact]
    public void Durations_and_metric_values_read_short()
    {
        Assert.Equal("—", RunFormat.Duration(null));
        Assert.Equal("4.2 s", RunFormat.Duration(TimeSpan.FromSeconds(4.24)));
        Assert.Equal("3m 07s", RunFormat.Duration(TimeSpan.FromSeconds(187)));
        Assert.Equal("2h 05m", RunFormat.Duration(TimeSpan.FromMinutes(125)));
        Assert.Equal("3d 01h", RunFormat.Duration(TimeSpan.FromHours(73)));
        Assert.Equal("0.91235", RunFormat.Metric(0.912345678));
        Assert.Equal("1.2346E+07", RunFormat.Metric(12345678));
        Assert.Equal("NaN", RunFormat.Metric(double.NaN));

        var start = DateTimeOffset.UnixEpoch;
        var live = Run(new(), new()) with { StartTime = start };
        Assert.Equal(TimeSpan.FromMinutes(5), RunFormat.Duration(live, start.AddMinutes(5)));
        Assert.Equal(TimeSpan.FromMinutes(1), RunFormat.Duration(live with { Status = RunStatus.Completed, EndTime = start.AddMinutes(1) }, start.AddMinutes(5)));
        Assert.Null(RunFormat.Duration(live with { StartTime = null }, start));
    }
}
