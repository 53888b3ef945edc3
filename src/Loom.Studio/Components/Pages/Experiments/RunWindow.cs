using Loom.Core.Tracking;

namespace Loom.Studio.Components.Pages.Experiments;

/// <summary>
/// A run search read in blocks for a virtualized table: any range of rows is served from blocks of
/// <see cref="BlockSize"/> runs fetched through the keyset-paged <see cref="RunService.ListAsync"/>. The page token at
/// the start of each block is remembered; a block deep in the result (a scrollbar dragged to the end of 100,000 runs)
/// starts from the nearest known token and skips ahead reading sort keys only (<see cref="RunService.SkipAsync"/>), so
/// no run before it is loaded. The most recently used blocks stay cached.
/// </summary>
public sealed class RunWindow
{
    public const int DefaultBlockSize = 200;
    private const int MaxCachedBlocks = 40;

    private readonly RunService _runs;
    private readonly long _workspaceId;
    // Never disposed: a read still running for a table that was replaced must be able to release it.
    private readonly SemaphoreSlim _gate = new(1, 1);
    // The page token that starts block b; null for block 0, the start of the search.
    private readonly SortedList<int, string?> _starts = new() { [0] = null };
    private readonly Dictionary<int, CachedBlock> _blocks = [];
    private int _endBlock = int.MaxValue;
    private long _clock;

    private RunWindow(RunService runs, long workspaceId, RunSearch search, int blockSize)
    {
        _runs = runs;
        _workspaceId = workspaceId;
        Search = search;
        BlockSize = blockSize;
    }

    public RunSearch Search { get; }
    public int BlockSize { get; }

    /// <summary>Opens a window over <paramref name="search"/>; throws the parser's message when its filter or order is bad.</summary>
    public static RunWindow Open(RunService runs, long workspaceId, RunSearch search, int blockSize = DefaultBlockSize)
    {
        if (blockSize is < 1 or > RunQueries.MaxPageSize) throw new ArgumentOutOfRangeException(nameof(blockSize));
        search.Validate();
        return new RunWindow(runs, workspaceId, search, blockSize);
    }

    /// <summary>How many runs the search matches now.</summary>
    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        _runs.CountAsync(_workspaceId, Search.Query(BlockSize, null), cancellationToken);

    /// <summary>The rows at [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>), fewer at the end of the search.</summary>
    public async Task<IReadOnlyList<RunRow>> ReadAsync(int start, int count, CancellationToken cancellationToken)
    {
        var rows = new List<RunRow>(Math.Max(0, count));
        var end = start + count;
        for (var b = start / BlockSize; count > 0 && b * BlockSize < end; b++)
        {
            var block = await BlockAsync(b, cancellationToken);
            if (block is null) break;
            var from = Math.Max(start - b * BlockSize, 0);
            var to = Math.Min(block.Count, end - b * BlockSize);
            if (from < to) rows.AddRange(block.GetRange(from, to - from));
            if (block.Count < BlockSize) break;
        }
        return rows;
    }

    /// <summary>The rows of the range that are loaded already (no read).</summary>
    public IReadOnlyList<RunRow> Loaded(int start, int count)
    {
        var rows = new List<RunRow>();
        for (var b = start / BlockSize; count > 0 && b * BlockSize < start + count; b++)
        {
            if (!_blocks.TryGetValue(b, out var block)) continue;
            var from = Math.Max(start - b * BlockSize, 0);
            var to = Math.Min(block.Rows.Count, start + count - b * BlockSize);
            if (from < to) rows.AddRange(block.Rows.GetRange(from, to - from));
        }
        return rows;
    }

    /// <summary>
    /// Reads again the runs of the range that have not ended and puts their new state (status, end time, latest metrics)
    /// into their rows; returns how many rows were refreshed.
    /// </summary>
    public async Task<int> RefreshLiveAsync(int start, int count, CancellationToken cancellationToken)
    {
        var live = Loaded(start, count).Where(r => !Contracts.RunStatuses.IsTerminal(r.Run.Status)).Take(RunQueries.MaxPageSize).ToList();
        if (live.Count == 0) return 0;
        var fresh = (await _runs.GetManyAsync(_workspaceId, live.Select(r => r.Run.Id).ToList(), cancellationToken)).ToDictionary(r => r.Id);
        var refreshed = 0;
        foreach (var row in live)
            if (fresh.TryGetValue(row.Run.Id, out var run)) { row.Run = run; refreshed++; }
        return refreshed;
    }

    private async Task<List<RunRow>?> BlockAsync(int b, CancellationToken cancellationToken)
    {
        if (Cached(b) is { } cached) return cached;
        if (b >= _endBlock) return null;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Another read may have fetched it while this one waited.
            if (Cached(b) is { } fetched) return fetched;
            var (found, token) = await StartOfAsync(b, cancellationToken);
            if (!found) return null;
            var page = await _runs.ListAsync(_workspaceId, Search.Query(BlockSize, token), cancellationToken);
            if (page.NextPageToken is { } next) _starts[b + 1] = next;
            else _endBlock = Math.Min(_endBlock, b + 1);
            var rows = page.Value.Select(r => new RunRow(r)).ToList();
            _blocks[b] = new CachedBlock(rows, ++_clock);
            if (_blocks.Count > MaxCachedBlocks) _blocks.Remove(_blocks.MinBy(p => p.Value.LastUse).Key);
            return rows;
        }
        finally { _gate.Release(); }
    }

    private List<RunRow>? Cached(int b)
    {
        if (!_blocks.TryGetValue(b, out var block)) return null;
        block.LastUse = ++_clock;
        return block.Rows;
    }

    /// <summary>The token that starts block <paramref name="b"/>: known, or skipped to from the nearest known block before it.</summary>
    private async Task<(bool Found, string? Token)> StartOfAsync(int b, CancellationToken cancellationToken)
    {
        if (_starts.TryGetValue(b, out var known)) return (true, known);
        var i = _starts.Keys.Count - 1;
        while (_starts.Keys[i] > b) i--;
        var from = _starts.Keys[i];
        var token = await _runs.SkipAsync(_workspaceId, Search.Query(BlockSize, _starts.Values[i]), (b - from) * BlockSize, cancellationToken);
        if (token is null)
        {
            _endBlock = Math.Min(_endBlock, b);
            return (false, null);
        }
        _starts[b] = token;
        return (true, token);
    }

    private sealed class CachedBlock(List<RunRow> rows, long lastUse)
    {
        public List<RunRow> Rows { get; } = rows;
        public long LastUse { get; set; } = lastUse;
    }
}
