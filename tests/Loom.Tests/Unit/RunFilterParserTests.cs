using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Tracking;

namespace Loom.Tests.Unit;

public sealed class RunFilterParserTests
{
    [Fact]
    public void Parses_clauses_joined_by_and()
    {
        var clauses = RunFilterParser.ParseFilter("metrics.accuracy > 0.9 AND tags.stage = 'prod' and status != \"Failed\"");
        Assert.Equal(3, clauses.Count);
        Assert.Equal(new FieldRef(FieldKind.Metric, "accuracy"), clauses[0].Field);
        Assert.Equal(FilterOp.Gt, clauses[0].Op);
        Assert.Equal(0.9, clauses[0].Values[0].Number);
        Assert.Equal(new FieldRef(FieldKind.Tag, "stage"), clauses[1].Field);
        Assert.Equal("prod", clauses[1].Values[0].Text);
        Assert.Equal(new FieldRef(FieldKind.Attribute, "status"), clauses[2].Field);
        Assert.Equal(FilterOp.Ne, clauses[2].Op);
    }

    [Fact]
    public void Parses_in_lists_backticked_keys_negative_and_exponent_numbers()
    {
        var clauses = RunFilterParser.ParseFilter("params.opt in ('adam', 'sgd') and metrics.`val loss` <= -1.5e-3 and params.lr >= 1E2");
        Assert.Equal(FilterOp.In, clauses[0].Op);
        Assert.Equal(["adam", "sgd"], clauses[0].Values.Select(v => v.Text));
        Assert.Equal("val loss", clauses[1].Field.Name);
        Assert.Equal(-1.5e-3, clauses[1].Values[0].Number);
        Assert.Equal(100, clauses[2].Values[0].Number);
    }

    [Fact]
    public void A_doubled_quote_inside_a_string_is_the_quote_itself()
    {
        var clause = Assert.Single(RunFilterParser.ParseFilter("tags.note = 'it''s'"));
        Assert.Equal("it's", clause.Values[0].Text);
    }

    [Theory]
    [InlineData("metrics.acc >")]
    [InlineData("metrics.acc > 'high'")]
    [InlineData("status = 'Sleeping'")]
    [InlineData("colour = 'red'")]
    [InlineData("metrics.acc > 0.9 or tags.a = 'b'")]
    [InlineData("tags.a = 'unterminated")]
    [InlineData("tags.a ~ 'x'")]
    [InlineData("params.a in ('x'")]
    [InlineData("startTime > 'yesterday'")]
    [InlineData("bogus.key = 1")]
    public void Rejects_bad_filters_with_invalid_filter(string filter)
    {
        var error = Assert.Throws<LoomException>(() => RunFilterParser.ParseFilter(filter));
        Assert.Equal(ErrorCodes.InvalidFilter, error.Code);
    }

    [Fact]
    public void Parses_order_lists()
    {
        var keys = RunFilterParser.ParseOrder("metrics.acc desc, params.lr, startTime ASC");
        Assert.Equal([true, false, false], keys.Select(k => k.Descending));
        Assert.Equal(FieldKind.Param, keys[1].Field.Kind);
    }

    [Theory]
    [InlineData("metrics.acc sideways")]
    [InlineData("nothing")]
    [InlineData("a.b, ")]
    public void Rejects_bad_orders(string order)
    {
        var error = Assert.Throws<LoomException>(() => RunFilterParser.ParseOrder(order));
        Assert.Equal(ErrorCodes.InvalidOrderBy, error.Code);
    }

    [Fact]
    public void Page_tokens_round_trip_and_are_tied_to_their_query()
    {
        var query = RunQueries.Parse("demo", "metrics.acc > 0.5", "metrics.acc desc", 10, null, null);
        var token = RunQueries.Encode(new PageCursor([0.75], 42), query.Fingerprint);
        var next = RunQueries.Parse("demo", "metrics.acc > 0.5", "metrics.acc desc", 10, token, null);
        Assert.Equal(42, next.After!.Seq);
        Assert.Equal(0.75, next.After.Values[0]);
        var other = Assert.Throws<LoomException>(() => RunQueries.Parse("demo", "metrics.acc > 0.6", "metrics.acc desc", 10, token, null));
        Assert.Equal(ErrorCodes.InvalidPageToken, other.Code);
        var garbage = Assert.Throws<LoomException>(() => RunQueries.Parse("demo", null, null, 10, "not-a-token!", null));
        Assert.Equal(ErrorCodes.InvalidPageToken, garbage.Code);
    }
}
