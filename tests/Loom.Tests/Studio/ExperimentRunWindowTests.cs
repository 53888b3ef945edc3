using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Loom.Studio.Components.Pages.Experiments;
using Loom.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Tests.Studio;

/// <summary>
/// The experiment table's block reader over a real server's RunService: any range, in any order of access, holds the
/// same runs the API's pages hold at those places.
/// </summary>
public sealed class ExperimentRunWindowTests : IAsyncLifetime
{
    private const int Runs = 23;
    private LoomTestServer _server = null!;
    private RunService _service = null!;
    private long _workspace;

    public async Task InitializeAsync()
    {
        _server = await LoomTestServer.StartAsync();
        _service = _server.Services.GetRequiredService<RunService>();
        _workspace = (await _server.Services.GetRequiredService<IWorkspaceStore>().FindAsync("default", CancellationToken.None))!.Id;
        for (var i = 0; i < Runs; i++)
        {
            var run = await _server.Client.Runs.CreateAsync("default", new CreateRunRequest("window", DisplayName: $"r{i}"));
            await _server.Client.Metrics.LogAsync("default", run.Id, new MetricBatch([new MetricPoint("accuracy", i * 7 % Runs / (double)Runs)]));
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<List<string>> ApiOrderAsync(RunSearch search)
    {
        var page = await _service.ListAsync(_workspace, search.Query(RunQueries.MaxPageSize, null), CancellationToken.None);
        return page.Value.Select(r => r.Run()).ToList();
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(null, "metrics.accuracy desc")]
    [InlineData("metrics.accuracy > 0.3", "metrics.accuracy asc")]
    public async Task Ranges_read_in_any_order_match_the_api_pages(string? filter, string? orderBy)
    {
        var search = new RunSearch("window", filter, orderBy, IncludeChildren: false);
        var expected = await ApiOrderAsync(search);
        var window = RunWindow.Open(_service, _workspace, search, blockSize: 5);
        Assert.Equal(expected.Count, await window.CountAsync(CancellationToken.None));

        // Deep first (a skip from the start), then back, then across a block boundary, then past the end.
        Assert.Equal(expected.Skip(16).Take(3), (await window.ReadAsync(16, 3, CancellationToken.None)).Select(r => r.Run.Run()));
        Assert.Equal(expected.Take(7), (await window.ReadAsync(0, 7, CancellationToken.None)).Select(r => r.Run.Run()));
        Assert.Equal(expected.Skip(8).Take(6), (await window.ReadAsync(8, 6, CancellationToken.None)).Select(r => r.Run.Run()));
        Assert.Equal(expected.Skip(expected.Count - 2), (await window.ReadAsync(expected.Count - 2, 10, CancellationToken.None)).Select(r => r.Run.Run()));
        Assert.Empty(await window.ReadAsync(expected.Count + 40, 5, CancellationToken.None));
    }

    [Fact]
    public void A_bad_filter_is_refused_with_the_parsers_message()
    {
        var error = Assert.Throws<LoomException>(() => RunWindow.Open(_service, _workspace, new RunSearch("window", "metrics.accuracy >", null, false)));
        Assert.Equal(ErrorCodes.InvalidFilter, error.Code);
        Assert.Contains("expected a value", error.Message);
    }

    [Fact]
    public async Task The_service_refuses_an_empty_skip_and_more_ids_than_a_page()
    {
        var query = new RunSearch("window", null, null, false).Query(10, null);
        Assert.Equal(ErrorCodes.InvalidRequest, (await Assert.ThrowsAsync<LoomException>(() => _service.SkipAsync(_workspace, query, 0, CancellationToken.None))).Code);
        var ids = Enumerable.Range(0, RunQueries.MaxPageSize + 1).Select(i => $"r{i}").ToList();
        Assert.Equal(ErrorCodes.InvalidRequest, (await Assert.ThrowsAsync<LoomException>(() => _service.GetManyAsync(_workspace, ids, CancellationToken.None))).Code);
        // A token from a skip continues the search like a page's own token.
        var token = await _service.SkipAsync(_workspace, query, 20, CancellationToken.None);
        var rest = await _service.ListAsync(_workspace, new RunSearch("window", null, null, false).Query(10, token), CancellationToken.None);
        Assert.Equal(Runs - 20, rest.Value.Count);
        Assert.Null(await _service.SkipAsync(_workspace, query, Runs + 1, CancellationToken.None));
    }

    [Fact]
    public async Task Live_runs_in_the_range_are_read_again_and_ended_ones_are_not()
    {
        var window = RunWindow.Open(_service, _workspace, new RunSearch("window", null, null, false), blockSize: 10);
        var rows = await window.ReadAsync(0, 4, CancellationToken.None);
        await _server.Client.Runs.UpdateAsync("default", rows[1].Run.Id, new UpdateRunRequest(Status: RunStatus.Completed));
        await _server.Client.Metrics.LogAsync("default", rows[2].Run.Id, new MetricBatch([new MetricPoint("loss", 0.25)]));

        Assert.Equal(4, await window.RefreshLiveAsync(0, 4, CancellationToken.None));
        Assert.Equal(RunStatus.Completed, rows[1].Run.Status);
        Assert.Equal(0.25, rows[2].Run.Metrics["loss"]);
        // The completed run is not read again; rows outside the range are left as they are.
        Assert.Equal(3, await window.RefreshLiveAsync(0, 4, CancellationToken.None));
        Assert.Equal(0, await window.RefreshLiveAsync(400, 4, CancellationToken.None));
    }
}

file static class RunNames
{
    public static string Run(this RunDto run) => run.DisplayName!;
}
